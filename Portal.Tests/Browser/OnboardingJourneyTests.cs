using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using Portal.Tests.Fixture;
using Xunit.Abstractions;

namespace Portal.Tests.Browser;

/// <summary>
/// A new firm, from the landing page to its first payment: sign up, confirm from the email, follow the dashboard's
/// checklist (a colour, the sandbox, a client, an invoice issued and emailed), and the client pays from the email as a
/// guest. Every press and every field typed is counted, by the firm and by its client, and printed as
/// <c>time_to_value_clicks=</c> and <c>time_to_value_typed_fields=</c>.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class OnboardingJourneyTests(Fixture.Browser browser, ITestOutputHelper output) : IAsyncLifetime
{
    private readonly DemoSandboxPortalApp _app = new();
    private int _clicks;
    private int _typedFields;

    public Task InitializeAsync() => _app.InitializeAsync();
    public Task DisposeAsync() => ((IAsyncLifetime)_app).DisposeAsync();

    [Fact]
    public async Task A_new_firm_signs_up_follows_the_checklist_and_its_first_client_pays_within_fifteen_clicks()
    {
        const string ownerEmail = "elise@atelier-lumiere.example";
        const string clientEmail = "compta@boulangerie-martin.example";
        var firm = await browser.NewPageAsync(_app.BaseUrl);

        // The landing page sends a visitor to sign in, which offers to create a firm.
        await firm.GotoAsync("/");
        await firm.WaitForPageAsync("/Account/Login");
        await ClickAsync(firm.Locator("a[href='Account/SignUp']"));
        await firm.WaitForPageAsync("/Account/SignUp$");
        await TypeAsync(firm.Locator("#firm-name"), "Atelier Lumière");
        await TypeAsync(firm.Locator("#name"), "Élise Martin");
        await TypeAsync(firm.Locator("#email"), ownerEmail);
        await TypeAsync(firm.Locator("#password"), "Atelier-lumiere-2026");
        await ClickAsync(firm.GetByRole(AriaRole.Button, new() { Name = "Create a firm account" }));
        await Assertions.Expect(firm.GetByText("Check your inbox", new() { Exact = false })).ToBeVisibleAsync();

        // The emailed link, then its button: the firm exists and its owner is on the dashboard, signed in.
        await OpenFromEmailAsync(firm, await _app.LinkDeliveredToAsync(ownerEmail, "/Account/ConfirmSignUp?token="));
        await ClickAsync(firm.GetByRole(AriaRole.Button, new() { Name = "Create my firm account" }));
        await firm.WaitForPageAsync("/staff$");
        var checklist = firm.GetByTestId("onboarding");
        await Assertions.Expect(checklist).ToContainTextAsync("0 of 4 done");
        await firm.ScreenshotAsync("onboarding-checklist");
        // The checklist is on no page of the demo (whose firm has done it all), so the sweep cannot see it: it is checked
        // here, in English on a desktop and in French on a phone.
        (await AccessibilityTests.FailingViolationsAsync(firm)).Select(v => $"{v.Id}: {v.Help}").ShouldBeEmpty();
        await firm.SetViewportSizeAsync(390, 844);
        await firm.GotoAsync("/culture/fr?redirectUri=/staff");
        await firm.WaitForInteractiveAsync();
        await Assertions.Expect(checklist).ToContainTextAsync("Être payé : vos premières étapes");
        await Assertions.Expect(checklist).ToContainTextAsync("Ajoutez un client");
        await Assertions.Expect(checklist).Not.ToContainTextAsync("Add a client");
        (await AccessibilityTests.FailingViolationsAsync(firm)).Select(v => $"{v.Id}: {v.Help}").ShouldBeEmpty();
        await firm.ScreenshotAsync("onboarding-checklist-fr-phone");
        // Back to a desktop before the page loads: resized while it runs, the layout redraws for the new width when the
        // circuit hears of it, and a press landing on a button being redrawn is lost.
        await firm.SetViewportSizeAsync(1280, 900);
        await firm.GotoAsync("/culture/en?redirectUri=/staff");
        await firm.WaitForInteractiveAsync();
        await Assertions.Expect(checklist).ToContainTextAsync("0 of 4 done");

        // The sandbox in one press; a colour in one press (the page reloads in it).
        await ClickAsync(firm.GetByTestId("onboarding-use-sandbox"));
        await _app.ExplainingFailureAsync(() => Assertions.Expect(firm.GetByTestId("onboarding-provider")).ToHaveAttributeAsync("data-done", "true"));
        // The page reloads in the colour. Its next link is pressed once the new page runs: pressed on the prerendered
        // page while the circuit starts, the link's page was drawn over by the dashboard's circuit.
        await firm.EvaluateAsync("() => window.beforeColourReload = true");
        await ClickAsync(firm.GetByTestId("onboarding-colour").First);
        await firm.WaitForFunctionAsync("() => window.beforeColourReload !== true");
        await firm.WaitForInteractiveAsync();
        await Assertions.Expect(firm.GetByTestId("onboarding-branding")).ToHaveAttributeAsync("data-done", "true");
        await Assertions.Expect(checklist).ToContainTextAsync("2 of 4 done");

        // A client: a name and an address.
        await ClickAsync(firm.GetByTestId("onboarding-add-client"));
        await firm.WaitForPageAsync("/staff/clients/new$");
        await TypeAsync(firm.Field("client-name"), "Boulangerie Martin");
        await TypeAsync(firm.Field("client-email"), clientEmail);
        await ClickAsync(firm.GetByTestId("save-client"));
        await firm.WaitForPageAsync("/staff/clients/[0-9a-f-]{36}$");

        // An invoice for that client (chosen already: the firm's only one), issued and emailed in one press.
        await ClickAsync(firm.GetByRole(AriaRole.Link, new() { Name = "New invoice" }));
        await firm.WaitForPageAsync("/staff/invoices/new");
        await TypeAsync(firm.Field("line-description"), "Bookkeeping, November");
        await TypeAsync(firm.Field("line-price"), "240");
        await firm.Field("line-price").PressAsync("Tab");
        await Assertions.Expect(firm.GetByTestId("invoice-total")).ToContainTextAsync("240.00");
        await ClickAsync(firm.GetByTestId("issue-and-send"));
        await firm.WaitForPageAsync("/staff/invoices/[0-9a-f-]{36}$");
        await Assertions.Expect(firm.GetByTestId("timeline-Sent")).ToContainTextAsync(clientEmail);
        var firmClicks = _clicks;

        // The client pays from the email, with no account: a new firm lets guests pay by its links.
        var client = await browser.NewPageAsync(_app.BaseUrl, width: 390, height: 844);
        await OpenFromEmailAsync(client, await _app.LinkDeliveredToAsync(clientEmail, "/pay/"));
        await client.WaitForPageAsync("/pay/guest$");
        await ClickAsync(client.GetByTestId("guest-pay-by-card"));
        await client.WaitForPageAsync("/sandbox/stripe/pay/");
        await ClickAsync(client.GetByRole(AriaRole.Button, new() { Name = "Pay with card •••• 4242" }));
        await client.WaitForPageAsync("/pay/guest/payments/");
        await _app.ExplainingFailureAsync(() => Assertions.Expect(client.GetByTestId("payment-status")).ToContainTextAsync("Paid. Thank you!"));

        output.WriteLine($"time_to_value_clicks={_clicks} (the firm {firmClicks}, its client {_clicks - firmClicks})");
        output.WriteLine($"time_to_value_typed_fields={_typedFields}");
        _clicks.ShouldBeLessThanOrEqualTo(15);
        _typedFields.ShouldBeLessThanOrEqualTo(10);

        // Every step done, the checklist leaves the dashboard, which shows the payment.
        await firm.GoToAsync("/staff");
        await Assertions.Expect(firm.GetByTestId("overdue-count")).ToBeVisibleAsync();
        await Assertions.Expect(checklist).ToHaveCountAsync(0);
        await using var db = _app.OpenDb();
        var created = await db.Firms.IgnoreQueryFilters().SingleAsync(f => f.Key == "atelier-lumiere");
        created.GuestPayAllowed.ShouldBeTrue();
        created.PrimaryColor.ShouldNotBeNull();
    }

    private async Task ClickAsync(ILocator target)
    {
        _clicks++;
        await target.ClickAsync();
    }

    private async Task TypeAsync(ILocator field, string text)
    {
        _typedFields++;
        await field.FillAsync(text);
    }

    /// <summary>Following a link from an email is one press, like any other.</summary>
    private async Task OpenFromEmailAsync(IPage page, string link)
    {
        _clicks++;
        await page.GotoAsync(link);
    }
}
