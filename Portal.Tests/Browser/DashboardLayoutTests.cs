using Microsoft.Playwright;
using Portal.Tests.Fixture;

namespace Portal.Tests.Browser;

/// <summary>On a wide screen, a firm paid in two currencies sees the expected direct debits beside its first cash chart, not below it.</summary>
[Collection(BrowserCollection.Name)]
public sealed class DashboardLayoutTests(Fixture.Browser browser) : IAsyncLifetime
{
    private readonly PortalApp _app = new();

    public Task InitializeAsync() => _app.InitializeAsync();
    public Task DisposeAsync() => ((IAsyncLifetime)_app).DisposeAsync();

    [Fact]
    public async Task Cash_charts_of_two_currencies_stack_in_one_column_beside_the_expected_direct_debits()
    {
        var firm = await _app.AFirmAsync();
        foreach (var currency in new[] { "EUR", "GBP" })
        {
            var client = await _app.AClientAsync(firm, currency);
            var invoice = await _app.AnInvoice(client).WithLine("Bookkeeping", 1, 150_00).IssuedAsync();
            await _app.PayByTransferAsync(client, invoice.Id, 150_00);
        }

        var staff = await browser.NewPageAsync(_app.BaseUrl, width: 1440, height: 1200);
        await staff.SignInAsync(firm.Staff.Email, firm.Staff.Password);
        await staff.GoToAsync("/staff");
        var charts = staff.GetByTestId("cash-collected");
        await Assertions.Expect(charts).ToHaveCountAsync(2);
        var expected = staff.GetByTestId("expected-direct-debits");
        await Assertions.Expect(expected).ToBeVisibleAsync();

        var first = (await charts.Nth(0).BoundingBoxAsync()).ShouldNotBeNull();
        var second = (await charts.Nth(1).BoundingBoxAsync()).ShouldNotBeNull();
        var beside = (await expected.BoundingBoxAsync()).ShouldNotBeNull();
        second.Y.ShouldBeGreaterThan(first.Y + first.Height - 1, "the second currency's chart is below the first");
        second.X.ShouldBe(first.X, 1);
        beside.Y.ShouldBe(first.Y, 2, "the expected direct debits start level with the first chart");
        beside.X.ShouldBeGreaterThan(first.X + first.Width - 1);
    }
}
