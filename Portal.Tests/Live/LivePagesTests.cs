using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Portal.Ledger;
using Portal.Tests.Fixture;
using Portal.Wallets;

namespace Portal.Tests.Live;

/// <summary>Open pages follow committed changes without a reload.</summary>
[Collection(BrowserCollection.Name)]
public sealed class LivePagesTests(Fixture.Browser browser) : IAsyncLifetime
{
    private readonly PortalApp _app = new();

    public Task InitializeAsync() => _app.InitializeAsync();
    public Task DisposeAsync() => ((IAsyncLifetime)_app).DisposeAsync();

    [Fact]
    public async Task A_prepayment_recorded_by_staff_shows_on_the_open_client_dashboard_and_staff_feed()
    {
        var firm = await _app.AFirmAsync();
        var client = await _app.AClientAsync(firm, name: "Lighthouse Dental");
        await _app.AnInvoice(client).WithLine("Monthly retainer", 1, 300_00).IssuedAsync();

        var contact = await browser.NewPageAsync(_app.BaseUrl, width: 390, height: 844);
        await contact.SignInAsync(client.Contact.Email, client.Contact.Password);
        await contact.GoToAsync("/portal");
        await Assertions.Expect(contact.GetByTestId("amount-due-total")).ToHaveTextAsync("€300.00");
        await Assertions.Expect(contact.GetByTestId("credit-balance")).ToHaveCountAsync(0);
        var staff = await browser.NewPageAsync(_app.BaseUrl);
        await staff.SignInAsync(firm.Staff.Email, firm.Staff.Password);
        await staff.GoToAsync("/staff");
        await Assertions.Expect(staff.GetByTestId("collected-today")).ToHaveTextAsync("—");

        await _app.GiveCreditAsync(client, 150_00);

        // No reload: the pages hear the payment and re-read what they show.
        await Assertions.Expect(contact.GetByTestId("credit-balance")).ToHaveTextAsync("€150.00");
        await Assertions.Expect(staff.GetByTestId("collected-today")).ToHaveTextAsync("€150.00");
        await Assertions.Expect(staff.GetByTestId("feed-payment")).ToHaveTextAsync("Lighthouse Dental");
        await staff.ScreenshotAsync("staff-live-payments");
    }

    [Fact]
    public async Task Credit_applied_by_staff_turns_the_open_client_invoice_paid()
    {
        var firm = await _app.AFirmAsync();
        var client = await _app.AClientAsync(firm, name: "Orchard Cycles");
        var invoice = await _app.AnInvoice(client).WithLine("Annual accounts", 1, 80_00).IssuedAsync();
        await _app.GiveCreditAsync(client, 100_00);

        var contact = await browser.NewPageAsync(_app.BaseUrl);
        await contact.SignInAsync(client.Contact.Email, client.Contact.Password);
        await contact.GoToAsync($"/portal/invoices/{invoice.Id}");
        await Assertions.Expect(contact.GetByTestId("invoice-status")).ToHaveTextAsync("Open");

        await _app.AsStaffOfAsync<CreditSpender, MoneyResult>(firm, s => s.ApplyAsync(new CreditUse(invoice.Id, null, MoneyChecks.NewKey())));

        await Assertions.Expect(contact.GetByTestId("invoice-status")).ToHaveTextAsync("Paid");
        await Assertions.Expect(contact.GetByTestId("invoice-payment")).ToContainTextAsync("Credit");
        await Assertions.Expect(contact.GetByTestId("apply-credit")).ToHaveCountAsync(0);
    }

    [Fact]
    public async Task A_dashboard_whose_connection_dropped_shows_what_changed_meanwhile_once_it_is_back()
    {
        var firm = await _app.AFirmAsync();
        var client = await _app.AClientAsync(firm, name: "Harbour Books");
        await _app.AnInvoice(client).WithLine("Quarterly VAT return", 1, 200_00).IssuedAsync();
        var contact = await browser.NewPageAsync(_app.BaseUrl, width: 390, height: 844);
        var network = new FlakyNetwork();
        await contact.RouteWebSocketAsync(new Regex("/_blazor"), network.Route);
        await contact.SignInAsync(client.Contact.Email, client.Contact.Password);
        await contact.GoToAsync("/portal");
        await Assertions.Expect(contact.GetByTestId("credit-balance")).ToHaveCountAsync(0);

        await network.DropAsync();
        await _app.GiveCreditAsync(client, 50_00);
        network.Restore();

        // The browser reconnects to the same circuit by itself, and the page shows what happened while it was away.
        await Assertions.Expect(contact.GetByTestId("credit-balance")).ToHaveTextAsync("€50.00");
        network.Connections.ShouldBeGreaterThan(1);
    }

    /// <summary>The page's connections to the server go through here, so the test can cut them as a failing network would.</summary>
    private sealed class FlakyNetwork
    {
        private readonly List<(IWebSocketRoute Page, IWebSocketRoute Server)> _open = [];
        private volatile bool _down;
        private int _connections;

        public int Connections => _connections;

        public void Route(IWebSocketRoute page)
        {
            if (_down)
            {
                _ = page.CloseAsync();
                return;
            }
            Interlocked.Increment(ref _connections);
            var server = page.ConnectToServer();
            lock (_open)
                _open.Add((page, server));
        }

        public async Task DropAsync()
        {
            _down = true;
            List<(IWebSocketRoute Page, IWebSocketRoute Server)> open;
            lock (_open)
            {
                open = [.. _open];
                _open.Clear();
            }
            foreach (var (page, server) in open)
            {
                await server.CloseAsync();
                await page.CloseAsync();
            }
        }

        public void Restore() => _down = false;
    }
}
