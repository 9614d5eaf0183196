using System.Globalization;
using System.Text.Json.Nodes;
using Portal.Domain;
using Portal.Domain.Payments;
using Portal.Sandbox.Common;

namespace Portal.Sandbox.PayPal;

// Every change to orders, captures and refunds, with the webhook event each one raises. Callers hold account.Gate.
internal static class PayPalLifecycle
{
    // The sandbox's fee: 3.49 % plus a fixed part (0.49 in two-decimal currencies, 49 units in the others).
    private const int FeeBasisPoints = 349;

    public static PpAmount ParseAmount(JsonNode? node, string field)
    {
        var code = node?["currency_code"]?.GetValue<string>() ?? throw PayPalApiError.Invalid($"{field}/currency_code", "MISSING_REQUIRED_PARAMETER", "A required field / parameter is missing.");
        var value = node["value"]?.GetValue<string>() ?? throw PayPalApiError.Invalid($"{field}/value", "MISSING_REQUIRED_PARAMETER", "A required field / parameter is missing.");
        if (!Currency.TryFromCode(code, out var currency) || !PayPalCurrencies.Accepts(currency))
        {
            throw PayPalApiError.Unprocessable("CURRENCY_NOT_SUPPORTED", $"Currency code {code} is not currently supported.");
        }

        var decimals = PayPalCurrencies.DecimalsOf(currency);
        var parts = value.Split('.');
        if (parts.Length > 2 || parts[0].Length == 0 || !parts.All(p => p.Length > 0 && p.All(char.IsAsciiDigit)))
        {
            throw PayPalApiError.Invalid($"{field}/value", "INVALID_PARAMETER_SYNTAX", "The value of a field does not conform to the expected format.", value);
        }

        var fraction = parts.Length == 2 ? parts[1] : "";
        if (fraction.Length > decimals)
        {
            throw PayPalApiError.Unprocessable("DECIMAL_PRECISION", $"If the currency supports decimals, only two decimal place precision is supported; {code} takes {decimals}.");
        }

        var units = long.Parse(parts[0] + fraction.PadRight(decimals, '0'), NumberStyles.None, CultureInfo.InvariantCulture);
        if (units <= 0)
        {
            throw PayPalApiError.Unprocessable("CANNOT_BE_ZERO_OR_NEGATIVE", "Must be greater than zero.");
        }

        return new PpAmount(currency.Code, units, decimals);
    }

    public static PpOrder CreateOrder(PayPalSandbox sandbox, PayPalAccount account, JsonObject body, DateTimeOffset now)
    {
        if (body["intent"]?.GetValue<string>() is not { } intent)
        {
            throw PayPalApiError.Invalid("/intent", "MISSING_REQUIRED_PARAMETER", "A required field / parameter is missing.");
        }

        if (intent != "CAPTURE")
        {
            throw PayPalApiError.Unprocessable("INTENT_NOT_SUPPORTED", $"The Portal sandbox emulates intent CAPTURE only, not {intent}.");
        }

        if (body["purchase_units"] is not JsonArray { Count: 1 } units || units[0] is not JsonObject unit)
        {
            throw PayPalApiError.Invalid("/purchase_units", "INVALID_ARRAY_LENGTH", "The Portal sandbox takes exactly one purchase unit.");
        }

        var experience = body["payment_source"]?["paypal"]?["experience_context"] as JsonObject;
        var context = experience ?? body["application_context"] as JsonObject;
        var order = new PpOrder
        {
            Id = SandboxIds.PayPal(),
            Status = experience is null ? "CREATED" : "PAYER_ACTION_REQUIRED",
            Amount = ParseAmount(unit["amount"], "/purchase_units/@reference_id=='default'/amount"),
            ReferenceId = Text(unit, "reference_id"),
            CustomId = Text(unit, "custom_id"),
            InvoiceId = Text(unit, "invoice_id"),
            Description = Text(unit, "description"),
            ReturnUrl = context is null ? null : Text(context, "return_url"),
            CancelUrl = context is null ? null : Text(context, "cancel_url"),
            BrandName = context is null ? null : Text(context, "brand_name"),
            UsesExperienceContext = experience is not null,
            CreateTime = now,
            UpdateTime = now,
        };
        if (order.InvoiceId is { } invoiceId && account.Orders.Values.Any(o => o.InvoiceId == invoiceId && o.CaptureIds.Any(c => account.Captures[c].Status is "COMPLETED" or "PENDING")))
        {
            // PayPal refuses a second payment against an invoice id already paid on the same account.
            throw PayPalApiError.Unprocessable("DUPLICATE_INVOICE_ID", "Duplicate Invoice ID detected. To avoid a potential duplicate transaction your account setting requires that Invoice Id be unique for each transaction.");
        }

        account.Orders[order.Id] = order;
        sandbox.RegisterOrder(order, account);
        return order;
    }

    // What the payer chose on the approval page, or what their e-mail says (pending…@, declined…@), as test cards do.
    public static PayPalCaptureOutcome OutcomeFor(string? choice, string? email)
    {
        var local = (email ?? "").Split('@')[0].ToLowerInvariant();
        return choice switch
        {
            "approve_pending" => PayPalCaptureOutcome.Pending,
            "approve_declined" => PayPalCaptureOutcome.Declined,
            _ when local.StartsWith("pending", StringComparison.Ordinal) => PayPalCaptureOutcome.Pending,
            _ when local.StartsWith("declined", StringComparison.Ordinal) => PayPalCaptureOutcome.Declined,
            _ => PayPalCaptureOutcome.Completed,
        };
    }

    public static void Approve(PayPalSandbox sandbox, PayPalAccount account, PpOrder order, PayPalCaptureOutcome outcome, string email, DateTimeOffset now, string baseUrl)
    {
        if (!order.AwaitsPayer)
        {
            throw PayPalApiError.Unprocessable("ORDER_ALREADY_APPROVED", $"Order {order.Id} is {order.Status}; only an order awaiting its payer can be approved.");
        }

        order.Status = "APPROVED";
        order.PayerEmail = email;
        order.PayerId = SandboxIds.PayPal()[..13];
        order.Outcome = outcome;
        order.UpdateTime = now;
        sandbox.Emit(account, "CHECKOUT.ORDER.APPROVED", "checkout-order", $"An order has been approved by buyer", PayPalShapes.Order(account, order, baseUrl), baseUrl);
    }

    public static void Cancel(PpOrder order, DateTimeOffset now)
    {
        // PayPal leaves a cancelled order as it was; it simply expires unapproved.
        order.UpdateTime = now;
    }

    public static PpCapture Capture(PayPalSandbox sandbox, PayPalAccount account, PpOrder order, DateTimeOffset now, string baseUrl)
    {
        switch (order.Status)
        {
            case "COMPLETED":
                throw PayPalApiError.Unprocessable("ORDER_ALREADY_CAPTURED", "Order already captured. If 'intent=CAPTURE' only one capture per order is allowed.");
            case "CREATED" or "PAYER_ACTION_REQUIRED":
                throw PayPalApiError.Unprocessable("ORDER_NOT_APPROVED", "Payer has not yet approved the Order for payment. Please redirect the payer to the 'rel':'approve' url returned as part of the HATEOAS links within the Create Order call or provide a valid payment_source in the request.");
            case not "APPROVED":
                throw PayPalApiError.Unprocessable("ORDER_CANNOT_BE_CAPTURED", $"Order {order.Id} is {order.Status}.");
        }

        var capture = new PpCapture
        {
            Id = SandboxIds.PayPal(),
            OrderId = order.Id,
            Status = order.Outcome switch
            {
                PayPalCaptureOutcome.Completed => "COMPLETED",
                PayPalCaptureOutcome.Pending => "PENDING",
                PayPalCaptureOutcome.Declined => "DECLINED",
            },
            Reason = order.Outcome == PayPalCaptureOutcome.Pending ? "PENDING_REVIEW" : null,
            Amount = order.Amount,
            CustomId = order.CustomId,
            InvoiceId = order.InvoiceId,
            CreateTime = now,
            UpdateTime = now,
        };
        if (capture.Status == "COMPLETED")
        {
            capture.Fee = FeeOn(capture.Amount);
        }

        account.Captures[capture.Id] = capture;
        sandbox.RegisterCapture(capture, account);
        order.CaptureIds.Add(capture.Id);

        // A declined capture still completes the order: the order's intent was carried out, the money did not move.
        order.Status = "COMPLETED";
        order.UpdateTime = now;
        var (eventType, summary) = capture.Status switch
        {
            "COMPLETED" => ("PAYMENT.CAPTURE.COMPLETED", "Payment completed"),
            "PENDING" => ("PAYMENT.CAPTURE.PENDING", "Payment pending"),
            _ => ("PAYMENT.CAPTURE.DENIED", "Payment denied"),
        };
        sandbox.Emit(account, eventType, "capture", $"{summary} for {capture.Amount.Value} {capture.Amount.Currency}", PayPalShapes.Capture(capture, baseUrl), baseUrl);
        return capture;
    }

    public static void CompletePending(PayPalSandbox sandbox, PayPalAccount account, PpCapture capture, DateTimeOffset now, string baseUrl)
    {
        EnsurePending(capture);
        capture.Status = "COMPLETED";
        capture.Reason = null;
        capture.Fee = FeeOn(capture.Amount);
        capture.UpdateTime = now;
        sandbox.Emit(account, "PAYMENT.CAPTURE.COMPLETED", "capture", $"Payment completed for {capture.Amount.Value} {capture.Amount.Currency}", PayPalShapes.Capture(capture, baseUrl), baseUrl);
    }

    public static void Deny(PayPalSandbox sandbox, PayPalAccount account, PpCapture capture, DateTimeOffset now, string baseUrl)
    {
        EnsurePending(capture);
        capture.Status = "DECLINED";
        capture.Reason = null;
        capture.UpdateTime = now;
        sandbox.Emit(account, "PAYMENT.CAPTURE.DENIED", "capture", $"Payment denied for {capture.Amount.Value} {capture.Amount.Currency}", PayPalShapes.Capture(capture, baseUrl), baseUrl);
    }

    // A reversal (a chargeback the payer won, a payment PayPal pulled back) takes back all that is left of the capture.
    // PayPal's event carries a refund-shaped resource; the capture then reads REFUNDED.
    public static PpRefund Reverse(PayPalSandbox sandbox, PayPalAccount account, PpCapture capture, DateTimeOffset now, string baseUrl)
    {
        if (capture.Status is not ("COMPLETED" or "PARTIALLY_REFUNDED"))
        {
            throw PayPalApiError.Unprocessable("CAPTURE_CANNOT_BE_REVERSED", $"Capture {capture.Id} is {capture.Status}; only a completed capture can be reversed.");
        }

        var refund = AddRefund(account, capture, capture.RemainingUnits, null, null, now, reversal: true);
        sandbox.Emit(account, "PAYMENT.CAPTURE.REVERSED", "refund", $"A {capture.Amount.Currency} {refund.Amount.Value} payment was reversed", PayPalShapes.Refund(refund, baseUrl), baseUrl);
        return refund;
    }

    // The payer disputes a completed capture (a chargeback through their card issuer): the dispute waits for the seller.
    public static PpDispute OpenDispute(PayPalSandbox sandbox, PayPalAccount account, PpCapture capture, string reason, DateTimeOffset now, string baseUrl)
    {
        if (capture.Status is not ("COMPLETED" or "PARTIALLY_REFUNDED"))
        {
            throw PayPalApiError.Unprocessable("CAPTURE_CANNOT_BE_DISPUTED", $"Capture {capture.Id} is {capture.Status}; only a completed capture can be disputed.");
        }

        var dispute = new PpDispute
        {
            Id = "PP-D-" + SandboxIds.PayPal(),
            CaptureId = capture.Id,
            Reason = reason,
            Amount = capture.Amount.With(capture.RemainingUnits),
            CreateTime = now,
            UpdateTime = now,
        };
        account.Disputes[dispute.Id] = dispute;
        sandbox.RegisterDispute(dispute, account);
        sandbox.Emit(account, "CUSTOMER.DISPUTE.CREATED", "dispute", $"A new dispute opened with Case # {dispute.Id}", PayPalShapes.Dispute(dispute, capture, baseUrl), baseUrl);
        return dispute;
    }

    // PayPal decides: for the payer, what is left of the capture is reversed first (PAYMENT.CAPTURE.REVERSED), then the
    // dispute reads resolved; for the seller, only the dispute changes.
    public static PpDispute ResolveDispute(PayPalSandbox sandbox, PayPalAccount account, PpDispute dispute, bool payerWins, DateTimeOffset now, string baseUrl)
    {
        if (dispute.Status == "RESOLVED")
        {
            throw PayPalApiError.Unprocessable("DISPUTE_ALREADY_RESOLVED", $"Dispute {dispute.Id} is already resolved.");
        }

        var capture = account.Captures[dispute.CaptureId];
        if (payerWins && capture.RemainingUnits > 0)
        {
            Reverse(sandbox, account, capture, now, baseUrl);
        }

        dispute.Status = "RESOLVED";
        dispute.OutcomeCode = payerWins ? "RESOLVED_BUYER_FAVOUR" : "RESOLVED_SELLER_FAVOUR";
        dispute.UpdateTime = now;
        sandbox.Emit(account, "CUSTOMER.DISPUTE.RESOLVED", "dispute", $"A dispute was resolved with case # {dispute.Id}", PayPalShapes.Dispute(dispute, capture, baseUrl), baseUrl);
        return dispute;
    }

    public static PpRefund Refund(PayPalSandbox sandbox, PayPalAccount account, PpCapture capture, JsonObject body, DateTimeOffset now, string baseUrl)
    {
        switch (capture.Status)
        {
            case "REFUNDED":
                throw PayPalApiError.Unprocessable("CAPTURE_FULLY_REFUNDED", "The capture has already been fully refunded.");
            case "PENDING" or "DECLINED" or "FAILED":
                throw PayPalApiError.Unprocessable("INVALID_RESOURCE_STATE", $"Capture {capture.Id} is {capture.Status}; only a completed capture can be refunded.");
        }

        var units = capture.RemainingUnits;
        if (body["amount"] is JsonObject amountNode)
        {
            var amount = ParseAmount(amountNode, "/amount");
            if (amount.Currency != capture.Amount.Currency)
            {
                throw PayPalApiError.Unprocessable("REFUND_CURRENCY_MISMATCH", "Refund must be in the same currency as the capture.");
            }

            if (amount.Units > capture.RemainingUnits)
            {
                throw PayPalApiError.Unprocessable("REFUND_AMOUNT_EXCEEDED", "The refund amount must be less than or equal to the capture amount that has not yet been refunded.");
            }

            units = amount.Units;
        }

        var refund = AddRefund(account, capture, units, Text(body, "invoice_id"), Text(body, "note_to_payer"), now, reversal: false);
        sandbox.Emit(account, "PAYMENT.CAPTURE.REFUNDED", "refund", $"A {capture.Amount.Value} {capture.Amount.Currency} capture payment was refunded", PayPalShapes.Refund(refund, baseUrl), baseUrl);
        return refund;
    }

    private static PpRefund AddRefund(PayPalAccount account, PpCapture capture, long units, string? invoiceId, string? note, DateTimeOffset now, bool reversal)
    {
        // A reversal is PayPal's doing, not the firm's: it has no invoice id or note of its own.
        if (reversal)
        {
            (invoiceId, note) = (null, null);
        }

        capture.RefundedUnits += units;
        capture.Status = capture.RemainingUnits == 0 ? "REFUNDED" : "PARTIALLY_REFUNDED";
        capture.UpdateTime = now;
        var refund = new PpRefund
        {
            Id = SandboxIds.PayPal(),
            CaptureId = capture.Id,
            Status = "COMPLETED",
            Amount = capture.Amount.With(units),
            TotalRefunded = capture.Amount.With(capture.RefundedUnits),
            InvoiceId = invoiceId ?? capture.InvoiceId,
            CustomId = capture.CustomId,
            NoteToPayer = note,
            CreateTime = now,
        };
        account.Refunds[refund.Id] = refund;
        capture.RefundIds.Add(refund.Id);
        return refund;
    }

    private static void EnsurePending(PpCapture capture)
    {
        if (capture.Status != "PENDING")
        {
            throw PayPalApiError.Unprocessable("CAPTURE_NOT_PENDING", $"Capture {capture.Id} is {capture.Status}, not PENDING.");
        }
    }

    private static PpAmount FeeOn(PpAmount gross)
    {
        // 0.49 in a two-decimal currency, 49 units (yen, forints) in the others.
        const long fixedPart = 49;
        var percentage = ((gross.Units * FeeBasisPoints) + 5_000) / 10_000;
        return gross.With(Math.Min(gross.Units, percentage + fixedPart));
    }

    private static string? Text(JsonObject node, string name) => node[name] is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;
}
