using System.Net;
using Portal.Account;
using Portal.Domain;
using Portal.Domain.Payments;
using Portal.Domain.Payouts;
using Portal.Ledger;
using Portal.Payouts;
using Portal.Tests.Fixture;

namespace Portal.Tests.Payouts;

/// <summary>Who reaches the payout reconciliation pages: the books' readers of the firm, and nobody else.</summary>
public sealed class PayoutPageAccessTests(PortalApp app) : IClassFixture<PortalApp>, IAsyncLifetime
{
    public Task InitializeAsync() => app.ResetAsync();
    public Task DisposeAsync() => Task.CompletedTask;

    /// <summary>A payout reported by a provider for a payment Portal does not know: recorded, booked, and unmatched.</summary>
    private async Task<(Guid Id, string ProviderId)> APayoutAsync(TestFirm firm)
    {
        var providerId = "po_" + Guid.NewGuid().ToString("N")[..16];
        var net = new Money(95_10, Currency.FromCode("EUR"));
        var result = await app.AsProviderForAsync<ProviderPayouts, MoneyResult>(firm, p => p.RecordAsync(new PayoutReport(PaymentProvider.Stripe, providerId,
            PayoutStatus.Paid, net, app.Today, [new PayoutLine(PayoutItemKind.Payment, "ch_elsewhere", new Money(100_00, net.Currency), null),
                new PayoutLine(PayoutItemKind.Fee, "txn_elsewhere", new Money(-4_90, net.Currency), null)])));
        return (result.Id!.Value, providerId);
    }

    [Fact]
    public async Task An_accountant_reads_the_payouts_and_a_payout_page()
    {
        var firm = await app.AFirmAsync();
        var (id, providerId) = await APayoutAsync(firm);
        var accountant = await app.AUserAsync($"accountant@{firm.Key}.test", "Alex Accountant", Roles.Accountant, firm.Id, null);
        using var session = await app.SignInAsync(accountant);

        var (listStatus, list) = await session.GetPageAsync("/books/payouts");
        var (pageStatus, page) = await session.GetPageAsync($"/books/payouts/{id}");

        (listStatus, pageStatus).ShouldBe((HttpStatusCode.OK, HttpStatusCode.OK));
        list.ShouldContain(providerId);
        list.ShouldContain("1 unmatched");
        page.ShouldContain("ch_elsewhere");
        page.ShouldContain("payout-unmatched");
    }

    [Fact]
    public async Task Staff_without_books_access_and_client_contacts_are_refused()
    {
        var firm = await app.AFirmAsync();
        var client = await app.AClientAsync(firm);
        var (id, _) = await APayoutAsync(firm);

        foreach (var login in new[] { firm.Staff, client.Contact })
        {
            using var session = await app.SignInAsync(login);
            foreach (var path in new[] { "/books/payouts", $"/books/payouts/{id}" })
            {
                var response = await session.GetAsync(path);
                response.StatusCode.ShouldBe(HttpStatusCode.Redirect, $"{login.Email} {path}");
                response.Headers.Location!.ToString().ShouldContain("Account/AccessDenied", Case.Sensitive, path);
            }
        }
    }

    [Fact]
    public async Task Another_firms_payout_page_is_not_found_and_names_nothing_of_it()
    {
        var other = await app.AFirmAsync();
        var (id, providerId) = await APayoutAsync(other);
        var firm = await app.AFirmAsync();
        using var owner = await app.SignInAsync(firm.Owner);

        var (status, html) = await owner.GetPageAsync($"/books/payouts/{id}");
        var (_, list) = await owner.GetPageAsync("/books/payouts");

        status.ShouldBe(HttpStatusCode.NotFound);
        html.ShouldNotContain(providerId);
        list.ShouldNotContain(providerId);
    }

    [Fact]
    public async Task The_payout_page_reads_in_french()
    {
        var firm = await app.AFirmAsync();
        var (id, _) = await APayoutAsync(firm);
        using var owner = await app.SignInAsync(firm.Owner);
        owner.Cookies.Add(new Cookie(".AspNetCore.Culture", Uri.EscapeDataString("c=fr-FR|uic=fr")) { Domain = app.BaseUrl.Host });

        var (_, html) = await owner.GetPageAsync($"/books/payouts/{id}");
        var page = WebUtility.HtmlDecode(html);

        page.ShouldContain("Non rapproché : aucun paiement connu");
        page.ShouldContain("Les éléments totalisent le montant net.");
    }
}
