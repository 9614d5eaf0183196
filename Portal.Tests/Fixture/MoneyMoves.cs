using Portal.Domain.Ledger;
using Portal.Domain.Payments;
using Portal.Ledger;
using Portal.Payments;

namespace Portal.Tests.Fixture;

/// <summary>Money set up the way staff would: <c>await app.GiveCreditAsync(client, 100_00)</c>.</summary>
public static class MoneyMoves
{
    /// <summary>A new firm and one client of it (EUR).</summary>
    public static async Task<(TestFirm Firm, TestClient Client)> AFirmWithAClientAsync(this PortalApp app)
    {
        var firm = await app.AFirmAsync();
        return (firm, await app.AClientAsync(firm));
    }

    /// <summary>A new firm with two clients, for tests that reach for someone else's invoice or credit.</summary>
    public static async Task<(TestFirm Firm, TestClient Client, TestClient Other)> AFirmWithTwoClientsAsync(this PortalApp app)
    {
        var (firm, client) = await app.AFirmWithAClientAsync();
        return (firm, client, await app.AClientAsync(firm));
    }

    /// <summary>Staff record a transfer kept entirely as the client's credit (a prepayment).</summary>
    public static async Task<Guid> GiveCreditAsync(this PortalApp app, TestClient client, long minor) =>
        (await app.AsStaffOfAsync<ManualPaymentRecorder, MoneyResult>(client.Firm, s => s.RecordAsync(
            new(client.Id, PaymentMethod.BankTransfer, client.Amount(minor), [], SurplusToCredit: true, "Prepayment", MoneyChecks.NewKey())))).Id!.Value;

    /// <summary>Staff record a transfer paying <paramref name="minor"/> on one invoice.</summary>
    public static async Task<Guid> PayByTransferAsync(this PortalApp app, TestClient client, Guid invoiceId, long minor) =>
        (await app.AsStaffOfAsync<ManualPaymentRecorder, MoneyResult>(client.Firm, s => s.RecordAsync(
            new(client.Id, PaymentMethod.BankTransfer, client.Amount(minor), [new InvoiceAmount(invoiceId, client.Amount(minor))], false, null, MoneyChecks.NewKey())))).Id!.Value;
}
