using System.Net;
using System.Text.RegularExpressions;
using Portal.Domain;
using Portal.Domain.Payments;
using Portal.Ledger;
using Portal.Payments;
using Portal.Tests.Fixture;
using Portal.Wallets;

namespace Portal.Tests.Wallets;

/// <summary>A reversed prepayment whose credit was already spent leaves the wallet negative: staff are told, and the credit is blocked.</summary>
public sealed class FlaggedWalletTests(PortalApp app) : IClassFixture<PortalApp>, IAsyncLifetime
{
    public Task InitializeAsync() => app.ResetAsync();
    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task A_bounced_prepayment_whose_credit_was_spent_is_flagged_on_the_staff_dashboard_and_blocks_credit()
    {
        var firm = await app.AFirmAsync();
        var client = await app.AClientAsync(firm, name: "Bounced Cheque Ltd");
        var calm = await app.AClientAsync(firm, name: "Calm Client");
        var first = await app.AnInvoice(client).WithLine("Audit", 1, 80_00).IssuedAsync();
        var second = await app.AnInvoice(client).WithLine("Advice", 1, 50_00).IssuedAsync();
        var prepayment = await app.GiveCreditAsync(client, 100_00);
        await app.GiveCreditAsync(calm, 10_00);
        await app.AsClientAsync<CreditSpender, MoneyResult>(client, s => s.ApplyAsync(new CreditUse(first.Id, null, MoneyChecks.NewKey())));

        await app.AsStaffOfAsync<PaymentCorrections, MoneyResult>(firm, s => s.ReverseAsync(prepayment, ReversalReason.LateFailure, MoneyChecks.NewKey()));

        (await app.CreditOfAsync(client)).ShouldBe(client.Amount(-80_00));
        using var staff = await app.SignInAsync(firm.Staff);
        var (_, dashboard) = await staff.GetPageAsync("/staff");
        var flagged = Regex.Matches(dashboard, "data-testid=\"flagged-wallet\">(.*?)</div>").Select(m => WebUtility.HtmlDecode(m.Groups[1].Value)).ToList();
        flagged.Count.ShouldBe(1);
        flagged[0].ShouldContain("Bounced Cheque Ltd");
        flagged[0].ShouldContain("-€80.00");

        using var contact = await app.SignInAsync(client.Contact);
        var (status, portal) = await contact.GetPageAsync("/portal");
        status.ShouldBe(HttpStatusCode.OK);
        portal.ShouldContain("credit-flagged");
        var before = await app.MoneySnapshotAsync(firm);
        await Should.ThrowAsync<DomainException>(() => app.AsClientAsync<CreditSpender, MoneyResult>(client, s => s.ApplyAsync(new CreditUse(second.Id, client.Amount(1_00), MoneyChecks.NewKey()))));
        (await app.MoneySnapshotAsync(firm)).ShouldBe(before);
    }
}
