using System.Globalization;
using System.Text.Json.Nodes;

namespace Portal.Sandbox.PayPal;

// An amount as PayPal holds it: whole units of the smallest step PayPal takes in the currency (cents for EUR,
// yen for JPY, forints for HUF), so arithmetic on it is exact.
internal readonly record struct PpAmount(string Currency, long Units, int Decimals)
{
    public string Value
    {
        get
        {
            var digits = Math.Abs(Units).ToString(CultureInfo.InvariantCulture).PadLeft(Decimals + 1, '0');
            var text = Decimals == 0 ? digits : $"{digits[..^Decimals]}.{digits[^Decimals..]}";
            return Units < 0 ? "-" + text : text;
        }
    }

    public PpAmount With(long units) => this with { Units = units };

    public JsonObject ToNode() => new() { ["currency_code"] = Currency, ["value"] = Value };
}

internal sealed class PpOrder
{
    public required string Id { get; init; }
    public required string Status { get; set; }
    public required PpAmount Amount { get; init; }
    public string? ReferenceId { get; init; }
    public string? CustomId { get; init; }
    public string? InvoiceId { get; init; }
    public string? Description { get; init; }
    public string? ReturnUrl { get; init; }
    public string? CancelUrl { get; init; }
    public string? BrandName { get; init; }

    // Orders created with payment_source.paypal.experience_context start PAYER_ACTION_REQUIRED with a payer-action
    // link; those created the older way (application_context) start CREATED with an approve link.
    public bool UsesExperienceContext { get; init; }
    public required DateTimeOffset CreateTime { get; init; }
    public DateTimeOffset UpdateTime { get; set; }
    public string? PayerEmail { get; set; }
    public string? PayerId { get; set; }
    public PayPalCaptureOutcome Outcome { get; set; }
    public List<string> CaptureIds { get; } = [];

    public bool AwaitsPayer => Status is "CREATED" or "PAYER_ACTION_REQUIRED";
}

internal enum PayPalCaptureOutcome
{
    Completed,
    Pending,
    Declined,
}

internal sealed class PpCapture
{
    public required string Id { get; init; }
    public required string OrderId { get; init; }
    public required string Status { get; set; }
    public string? Reason { get; set; }
    public required PpAmount Amount { get; init; }
    public PpAmount? Fee { get; set; }
    public string? CustomId { get; init; }
    public string? InvoiceId { get; init; }
    public long RefundedUnits { get; set; }
    public List<string> RefundIds { get; } = [];
    public required DateTimeOffset CreateTime { get; init; }
    public DateTimeOffset UpdateTime { get; set; }

    public long RemainingUnits => Amount.Units - RefundedUnits;
}

internal sealed class PpRefund
{
    public required string Id { get; init; }
    public required string CaptureId { get; init; }
    public required string Status { get; init; }
    public string? Reason { get; init; }
    public required PpAmount Amount { get; init; }
    public required PpAmount TotalRefunded { get; init; }
    public string? InvoiceId { get; init; }
    public string? CustomId { get; init; }
    public string? NoteToPayer { get; init; }
    public required DateTimeOffset CreateTime { get; init; }
}

// A payer's dispute over one capture. Open until the control endpoint resolves it for the payer or for the seller.
internal sealed class PpDispute
{
    public required string Id { get; init; }
    public required string CaptureId { get; init; }
    public required string Reason { get; init; }
    public required PpAmount Amount { get; init; }
    public string Status { get; set; } = "WAITING_FOR_SELLER_RESPONSE";
    public string? OutcomeCode { get; set; }
    public required DateTimeOffset CreateTime { get; init; }
    public DateTimeOffset UpdateTime { get; set; }
}

// The JSON PayPal answers with, built from the emulator's state.
internal static class PayPalShapes
{
    public static string Time(DateTimeOffset moment) =>
        moment.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    public static JsonObject Link(string href, string rel, string method) => new() { ["href"] = href, ["rel"] = rel, ["method"] = method };

    public static JsonObject Order(PayPalAccount account, PpOrder order, string baseUrl)
    {
        var api = $"{baseUrl}/sandbox/paypal";
        var unit = new JsonObject
        {
            ["reference_id"] = order.ReferenceId ?? "default",
            ["amount"] = order.Amount.ToNode(),
            ["custom_id"] = order.CustomId,
            ["invoice_id"] = order.InvoiceId,
            ["description"] = order.Description,
        };
        if (order.CaptureIds.Count > 0)
        {
            unit["payments"] = new JsonObject
            {
                ["captures"] = new JsonArray(order.CaptureIds.Select(id => (JsonNode)Capture(account.Captures[id], baseUrl)).ToArray()),
            };
        }

        var links = new JsonArray { Link($"{api}/v2/checkout/orders/{order.Id}", "self", "GET") };
        if (order.AwaitsPayer)
        {
            links.Add(Link($"{api}/checkoutnow?token={order.Id}", order.UsesExperienceContext ? "payer-action" : "approve", "GET"));
        }

        if (order.Status == "APPROVED")
        {
            links.Add(Link($"{api}/v2/checkout/orders/{order.Id}/capture", "capture", "POST"));
        }

        var node = new JsonObject
        {
            ["id"] = order.Id,
            ["intent"] = "CAPTURE",
            ["status"] = order.Status,
            ["purchase_units"] = new JsonArray(unit),
            ["create_time"] = Time(order.CreateTime),
            ["update_time"] = Time(order.UpdateTime),
            ["links"] = links,
        };
        if (order.PayerEmail is not null)
        {
            node["payer"] = new JsonObject { ["email_address"] = order.PayerEmail, ["payer_id"] = order.PayerId };
            node["payment_source"] = new JsonObject { ["paypal"] = new JsonObject { ["email_address"] = order.PayerEmail, ["account_id"] = order.PayerId } };
        }

        return node;
    }

    public static JsonObject Capture(PpCapture capture, string baseUrl)
    {
        var api = $"{baseUrl}/sandbox/paypal";
        var node = new JsonObject
        {
            ["id"] = capture.Id,
            ["status"] = capture.Status,
            ["amount"] = capture.Amount.ToNode(),
            ["final_capture"] = true,
            ["seller_protection"] = new JsonObject { ["status"] = "ELIGIBLE" },
            ["custom_id"] = capture.CustomId,
            ["invoice_id"] = capture.InvoiceId,
            ["create_time"] = Time(capture.CreateTime),
            ["update_time"] = Time(capture.UpdateTime),
            ["links"] = new JsonArray
            {
                Link($"{api}/v2/payments/captures/{capture.Id}", "self", "GET"),
                Link($"{api}/v2/payments/captures/{capture.Id}/refund", "refund", "POST"),
                Link($"{api}/v2/checkout/orders/{capture.OrderId}", "up", "GET"),
            },
        };
        if (capture.Reason is not null)
        {
            node["status_details"] = new JsonObject { ["reason"] = capture.Reason };
        }

        if (capture.Fee is { } fee)
        {
            node["seller_receivable_breakdown"] = new JsonObject
            {
                ["gross_amount"] = capture.Amount.ToNode(),
                ["paypal_fee"] = fee.ToNode(),
                ["net_amount"] = capture.Amount.With(capture.Amount.Units - fee.Units).ToNode(),
            };
        }

        return node;
    }

    public static JsonObject Dispute(PpDispute dispute, PpCapture capture, string baseUrl)
    {
        var node = new JsonObject
        {
            ["dispute_id"] = dispute.Id,
            ["create_time"] = Time(dispute.CreateTime),
            ["update_time"] = Time(dispute.UpdateTime),
            ["disputed_transactions"] = new JsonArray(new JsonObject
            {
                ["seller_transaction_id"] = capture.Id,
                ["create_time"] = Time(capture.CreateTime),
                ["transaction_status"] = capture.Status,
                ["gross_amount"] = capture.Amount.ToNode(),
                ["invoice_number"] = capture.InvoiceId,
                ["custom"] = capture.CustomId,
            }),
            ["reason"] = dispute.Reason,
            ["status"] = dispute.Status,
            ["dispute_amount"] = dispute.Amount.ToNode(),
            ["dispute_life_cycle_stage"] = "CHARGEBACK",
            ["dispute_channel"] = "EXTERNAL",
            ["links"] = new JsonArray { Link($"{baseUrl}/sandbox/paypal/v1/customer/disputes/{dispute.Id}", "self", "GET") },
        };
        if (dispute.OutcomeCode is not null)
        {
            var outcome = new JsonObject { ["outcome_code"] = dispute.OutcomeCode };
            if (dispute.OutcomeCode == "RESOLVED_BUYER_FAVOUR")
            {
                outcome["amount_refunded"] = dispute.Amount.ToNode();
            }

            node["dispute_outcome"] = outcome;
        }

        return node;
    }

    public static JsonObject Refund(PpRefund refund, string baseUrl)
    {
        var api = $"{baseUrl}/sandbox/paypal";
        var node = new JsonObject
        {
            ["id"] = refund.Id,
            ["status"] = refund.Status,
            ["amount"] = refund.Amount.ToNode(),
            ["invoice_id"] = refund.InvoiceId,
            ["custom_id"] = refund.CustomId,
            ["note_to_payer"] = refund.NoteToPayer,
            // PayPal keeps its fee on a refund: the firm gives back the gross.
            ["seller_payable_breakdown"] = new JsonObject
            {
                ["gross_amount"] = refund.Amount.ToNode(),
                ["paypal_fee"] = refund.Amount.With(0).ToNode(),
                ["net_amount"] = refund.Amount.ToNode(),
                ["total_refunded_amount"] = refund.TotalRefunded.ToNode(),
            },
            ["create_time"] = Time(refund.CreateTime),
            ["update_time"] = Time(refund.CreateTime),
            ["links"] = new JsonArray
            {
                Link($"{api}/v2/payments/refunds/{refund.Id}", "self", "GET"),
                Link($"{api}/v2/payments/captures/{refund.CaptureId}", "up", "GET"),
            },
        };
        if (refund.Reason is not null)
        {
            node["status_details"] = new JsonObject { ["reason"] = refund.Reason };
        }

        return node;
    }
}
