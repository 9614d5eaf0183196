using System.Globalization;
using System.Text.Json.Nodes;

namespace Portal.Sandbox.GoCardless;

// Read-only endpoints: the creditor ("test connection"), customers, bank accounts, events.
internal static class GoCardlessReads
{
    public static GcResult Creditors(GcCall call) => new(200, new JsonObject
    {
        ["creditors"] = new JsonArray(Creditor(call)),
        ["meta"] = new JsonObject { ["cursors"] = new JsonObject { ["before"] = null, ["after"] = null }, ["limit"] = 50 },
    });

    public static GcResult CreditorById(GcCall call, string id) =>
        id == call.Account.CreditorId ? new(200, GoCardlessJson.Envelope("creditors", Creditor(call))) : throw GoCardlessApiError.NotFound(id);

    public static GcResult Customer(GcCall call, string id) => call.Show("customers", call.Account.Get<GcCustomer>(id));

    public static GcResult Customers(GcCall call) => call.Page("customers", call.Account.NewestFirst<GcCustomer>());

    public static GcResult BankAccount(GcCall call, string id) => call.Show("customer_bank_accounts", call.Account.Get<GcCustomerBankAccount>(id));

    public static GcResult Event(GcCall call, string id) => call.Show("events", call.Account.Get<GcEvent>(id));

    public static GcResult Events(GcCall call)
    {
        var query = call.Query;
        var events = call.Account.NewestFirst<GcEvent>()
            .Where(e => query["resource_type"].FirstOrDefault() is not { } type || e.ResourceType == type)
            .Where(e => query["action"].FirstOrDefault() is not { } action || e.Action == action)
            .Where(e => LinkMatches(query["payment"].FirstOrDefault(), e, "payment"))
            .Where(e => LinkMatches(query["mandate"].FirstOrDefault(), e, "mandate"))
            .Where(e => LinkMatches(query["billing_request"].FirstOrDefault(), e, "billing_request"))
            .Where(e => LinkMatches(query["payout"].FirstOrDefault(), e, "payout"))
            .Where(e => LinkMatches(query["refund"].FirstOrDefault(), e, "refund"))
            .Where(e => LinkMatches(query["parent_event"].FirstOrDefault(), e, "parent_event"))
            .Where(e => CreatedMatches(query["created_at[gt]"].FirstOrDefault(), e, (a, b) => a > b))
            .Where(e => CreatedMatches(query["created_at[gte]"].FirstOrDefault(), e, (a, b) => a >= b))
            .Where(e => CreatedMatches(query["created_at[lt]"].FirstOrDefault(), e, (a, b) => a < b))
            .Where(e => CreatedMatches(query["created_at[lte]"].FirstOrDefault(), e, (a, b) => a <= b))
            .ToList();
        return call.Page("events", events);
    }

    private static JsonObject Creditor(GcCall call) => new()
    {
        ["id"] = call.Account.CreditorId,
        ["created_at"] = "2024-01-01T00:00:00.000Z",
        ["name"] = "Sandbox creditor " + call.Account.CreditorId[^4..],
        ["country_code"] = "GB",
        ["verification_status"] = "successful",
        ["can_create_refunds"] = true,
        ["scheme_identifiers"] = new JsonArray(new JsonObject
        {
            ["name"] = "Sandbox creditor " + call.Account.CreditorId[^4..],
            ["scheme"] = "sepa",
            ["reference"] = SepaCreditorIdentifier(call.Account.CreditorId),
            ["currency"] = "EUR",
            ["minimum_advance_notice"] = 3,
            ["can_specify_mandate_reference"] = false,
            ["status"] = "active",
        }),
        ["links"] = new JsonObject(),
    };

    /// <summary>
    /// A French SEPA creditor identifier (ICS) of the creditor's own: FR, two check digits, the ZZZ business code and six
    /// characters from the creditor's id, with check digits that hold (ISO 7064 mod 97 over the national part and FR00).
    /// </summary>
    internal static string SepaCreditorIdentifier(string creditorId)
    {
        var national = new string([.. creditorId.ToUpperInvariant().Where(char.IsAsciiLetterOrDigit).TakeLast(6)]).PadLeft(6, '0');
        var digits = string.Concat((national + "FR00").Select(c => char.IsAsciiDigit(c) ? c.ToString() : (c - 'A' + 10).ToString(CultureInfo.InvariantCulture)));
        var remainder = digits.Aggregate(0, (r, d) => (r * 10 + (d - '0')) % 97);
        return $"FR{98 - remainder:D2}ZZZ{national}";
    }

    private static bool LinkMatches(string? wanted, GcEvent gcEvent, string link) =>
        wanted is null || gcEvent.Links.GetValueOrDefault(link) == wanted;

    private static bool CreatedMatches(string? bound, GcEvent gcEvent, Func<DateTimeOffset, DateTimeOffset, bool> compare)
    {
        if (bound is null)
        {
            return true;
        }

        return DateTimeOffset.TryParse(bound, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var moment)
            ? compare(gcEvent.CreatedAtTime, moment)
            : throw GoCardlessApiError.Validation("events", "created_at", "must be an ISO 8601 timestamp");
    }
}
