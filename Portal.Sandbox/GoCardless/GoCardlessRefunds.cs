using Portal.Sandbox.Common;

namespace Portal.Sandbox.GoCardless;

// Refunds of collected payments. GoCardless asks for total_amount_confirmation, the total refunded on the payment
// once this refund is made, so that a refund sent twice by mistake is refused rather than paid twice.
internal static class GoCardlessRefunds
{
    public static GcResult Create(GcCall call) => call.Create("refunds", () =>
    {
        var fields = new GoCardlessFields("refunds", call.Envelope("refunds"));
        var payment = call.Linked<GcPayment>(fields, "payment", "Payment");
        var amount = fields.PositiveAmount("amount");

        var confirmation = fields.Long("total_amount_confirmation") ?? throw GoCardlessApiError.Validation("refunds", "total_amount_confirmation", "is missing");
        if (payment.Status is not ("confirmed" or "paid_out"))
        {
            throw GoCardlessApiError.InvalidState("refund_payment_invalid_state", $"The payment is {payment.Status}; only a confirmed or paid out payment can be refunded.");
        }

        if (payment.AmountRefunded + amount > payment.Amount)
        {
            throw GoCardlessApiError.InvalidState("available_refund_amount_insufficient", $"Only {payment.Amount - payment.AmountRefunded} of this payment is left to refund.");
        }

        if (confirmation != payment.AmountRefunded + amount)
        {
            throw GoCardlessApiError.InvalidState("total_amount_confirmation_invalid",
                $"total_amount_confirmation must be {payment.AmountRefunded + amount}: the amount already refunded ({payment.AmountRefunded}) plus this refund.");
        }

        payment.AmountRefunded += amount;
        var refund = call.Account.Add(new GcRefund
        {
            Id = SandboxIds.GoCardless("RF"),
            CreatedAt = call.Action.Timestamp,
            Amount = amount,
            Currency = payment.Currency,
            Reference = fields.Text("reference"),
            Metadata = fields.Metadata(),
            Links = new() { ["payment"] = payment.Id, ["mandate"] = payment.Links["mandate"] },
        });
        call.Action.Emit("refunds", "created", new() { ["refund"] = refund.Id, ["payment"] = payment.Id },
            new("api", "payment_refunded", "The refund has been created, and will be submitted in the next batch."), refund.Metadata);
        return refund;
    });

    public static GcResult Get(GcCall call, string id) => call.Show("refunds", call.Account.Get<GcRefund>(id));

    public static GcResult List(GcCall call) => call.Page("refunds", call.Account.NewestFirst<GcRefund>()
        .Where(r => call.Query["payment"].FirstOrDefault() is not { } payment || r.Links["payment"] == payment)
        .ToList());
}
