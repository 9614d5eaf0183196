using Microsoft.EntityFrameworkCore;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Portal.Tests.Fixture;

namespace Portal.Tests.Browser;

/// <summary>
/// A form sent back with errors, as a person using a screen reader or only a keyboard meets it: the page opens on the
/// first field in error, each field's error is read with the field (its accessible description), and the keyboard
/// reaches the button with a visible focus ring. In English and in French.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class FormErrorJourneyTests(Fixture.Browser browser) : IAsyncLifetime
{
    private readonly PortalApp _app = new();

    public Task InitializeAsync() => _app.InitializeAsync();
    public Task DisposeAsync() => ((IAsyncLifetime)_app).DisposeAsync();

    [Theory]
    [InlineData("en", "Create a firm account", "This field is required.")]
    [InlineData("fr", "Créer un compte cabinet", "Ce champ est obligatoire.")]
    public async Task A_form_sent_back_with_errors_opens_on_the_first_field_in_error_reads_each_error_with_its_field_and_the_keyboard_reaches_the_button(
        string language, string button, string required)
    {
        var page = await browser.NewPageAsync(_app.BaseUrl, width: 390, height: 844);
        await page.GotoAsync($"/culture/{language}?redirectUri=/Account/SignUp");
        await page.WaitForPageAsync("/Account/SignUp$");
        var firmName = page.Locator("#firm-name");
        // Before anything is sent, no field is in error and no error is read.
        await Assertions.Expect(firmName).Not.ToHaveAttributeAsync("aria-invalid", "true");
        await Assertions.Expect(firmName).ToHaveAccessibleDescriptionAsync("");

        await page.EvaluateAsync("() => window.beforeSend = true");
        await page.GetByRole(AriaRole.Button, new() { Name = button }).ClickAsync();
        await page.WaitForFunctionAsync("() => window.beforeSend !== true");

        // The page comes back on the first field in error, which says so and reads its error.
        await Assertions.Expect(firmName).ToBeFocusedAsync();
        await Assertions.Expect(firmName).ToHaveAttributeAsync("aria-invalid", "true");
        await Assertions.Expect(firmName).ToHaveAccessibleDescriptionAsync(required);
        await Assertions.Expect(page.Locator("#name")).ToHaveAccessibleDescriptionAsync(required);
        await Assertions.Expect(page.Locator("#email")).ToHaveAccessibleDescriptionAsync(required);
        // A field with a hint reads the hint, then the error.
        await Assertions.Expect(page.Locator("#password")).ToHaveAccessibleDescriptionAsync(new Regex(Regex.Escape(required) + "$"));
        // A field left empty that may be empty is not in error.
        await Assertions.Expect(page.Locator("#firm-key")).Not.ToHaveAttributeAsync("aria-invalid", "true");
        (await AccessibilityTests.FailingViolationsAsync(page)).Select(v => $"{v.Id}: {v.Help}").ShouldBeEmpty();

        // From the field in focus, the keyboard alone reaches the button, and each stop shows where the focus is.
        for (var presses = 0; ; presses++)
        {
            presses.ShouldBeLessThan(12, "the button is not reached with the Tab key");
            (await page.EvaluateAsync<bool>("""
                () => {
                    const style = getComputedStyle(document.activeElement);
                    return style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0;
                }
                """)).ShouldBeTrue($"no visible focus on {await page.EvaluateAsync<string>("() => document.activeElement.outerHTML")}");
            if (await page.EvaluateAsync<bool>("() => document.activeElement.matches('button[type=submit]')"))
                break;
            await page.Keyboard.PressAsync("Tab");
        }
        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = button })).ToBeFocusedAsync();
    }

    [Fact]
    public async Task A_staff_form_with_errors_moves_to_the_first_field_in_error_and_reads_its_error_with_it()
    {
        var firm = await _app.AFirmAsync();
        var page = await browser.NewPageAsync(_app.BaseUrl);
        await page.SignInAsync(firm.Staff.Email, firm.Staff.Password);
        await page.GoToAsync("/staff/clients/new");
        var name = page.Field("client-name");
        var email = page.Field("client-email");

        await page.GetByTestId("save-client").ClickAsync();

        await Assertions.Expect(name).ToBeFocusedAsync();
        await Assertions.Expect(name).ToHaveAttributeAsync("aria-invalid", "true");
        await Assertions.Expect(name).ToHaveAccessibleDescriptionAsync(new Regex("Required"));
        await Assertions.Expect(email).ToHaveAttributeAsync("aria-invalid", "true");
        await Assertions.Expect(email).ToHaveAccessibleDescriptionAsync(new Regex("Required"));
        (await AccessibilityTests.FailingViolationsAsync(page)).Select(v => $"{v.Id}: {v.Help}").ShouldBeEmpty();

        // The name given, the next press moves to the email, still in error.
        await name.CorrectAsync("Maison Rouge");
        await page.GetByTestId("save-client").ClickAsync();
        await Assertions.Expect(email).ToBeFocusedAsync();

        // What the client's rules refuse is shown on its field too: a SIREN whose check digit is wrong.
        await email.CorrectAsync("compta@maison-rouge.example");
        var siren = page.Field("client-siren");
        await siren.FillAsync("123456789");
        await page.GetByTestId("save-client").ClickAsync();
        await Assertions.Expect(siren).ToBeFocusedAsync();
        await Assertions.Expect(siren).ToHaveAttributeAsync("aria-invalid", "true");
        await Assertions.Expect(siren).ToHaveAccessibleDescriptionAsync(new Regex("The SIREN 123456789 is not valid"));
        await Assertions.Expect(page).ToHaveURLAsync(new Regex("/staff/clients/new$"));

        // Corrected, the client is made.
        await siren.CorrectAsync("732829320");
        await page.GetByTestId("save-client").ClickAsync();
        await Assertions.Expect(page).ToHaveURLAsync(new Regex("/staff/clients/[0-9a-f-]{36}$"));
    }

    [Fact]
    public async Task An_invoice_saved_with_fields_missing_moves_to_each_field_in_error_in_turn_and_reads_why()
    {
        var firm = await _app.AFirmAsync();
        // Two clients, so the editor cannot choose for the person.
        await _app.AClientAsync(firm, name: "Maison Dupont");
        await _app.AClientAsync(firm, name: "Atelier Martin");
        var page = await browser.NewPageAsync(_app.BaseUrl);
        await page.SignInAsync(firm.Staff.Email, firm.Staff.Password);
        await page.GoToAsync("/staff/invoices/new");
        var client = page.GetByRole(AriaRole.Combobox, new() { Name = "Client" });
        var description = page.Field("line-description");

        await page.GetByTestId("save-draft").ClickAsync();

        await Assertions.Expect(client).ToBeFocusedAsync();
        await Assertions.Expect(client).ToHaveAttributeAsync("aria-invalid", "true");
        await Assertions.Expect(client).ToHaveAccessibleDescriptionAsync(new Regex("Choose a client"));
        await Assertions.Expect(description).ToHaveAttributeAsync("aria-invalid", "true");
        await Assertions.Expect(description).ToHaveAccessibleDescriptionAsync(new Regex("Required"));
        (await AccessibilityTests.FailingViolationsAsync(page)).Select(v => $"{v.Id}: {v.Help}").ShouldBeEmpty();

        // The client chosen, the next press moves to the line without a description; nothing was saved meanwhile.
        await page.ChooseAsync("invoice-client", "Maison Dupont (EUR)");
        await page.GetByTestId("save-draft").ClickAsync();
        await Assertions.Expect(description).ToBeFocusedAsync();
        await Assertions.Expect(client).Not.ToHaveAttributeAsync("aria-invalid", "true");
        await Assertions.Expect(page).ToHaveURLAsync(new Regex("/staff/invoices/new$"));
    }

    [Fact]
    public async Task A_schedule_saved_without_its_client_moves_to_the_client_and_reads_why()
    {
        var firm = await _app.AFirmAsync();
        var page = await browser.NewPageAsync(_app.BaseUrl, width: 390, height: 844);
        await page.SignInAsync(firm.Staff.Email, firm.Staff.Password);
        await page.GoToAsync("/staff/recurring/new");
        var client = page.GetByRole(AriaRole.Combobox, new() { Name = "Client" });

        await page.GetByTestId("save-schedule").ClickAsync();

        await Assertions.Expect(client).ToBeFocusedAsync();
        await Assertions.Expect(client).ToHaveAttributeAsync("aria-invalid", "true");
        await Assertions.Expect(client).ToHaveAccessibleDescriptionAsync(new Regex("Choose a client"));
        await Assertions.Expect(page.Field("line-description")).ToHaveAttributeAsync("aria-invalid", "true");
        (await AccessibilityTests.FailingViolationsAsync(page)).Select(v => $"{v.Id}: {v.Help}").ShouldBeEmpty();
    }

    [Fact]
    public async Task A_refused_identifier_is_shown_on_its_field_which_takes_the_focus_and_nothing_is_kept_until_it_is_right()
    {
        var firm = await _app.AFirmAsync();
        var page = await browser.NewPageAsync(_app.BaseUrl, width: 390, height: 844);
        await page.SignInAsync(firm.Owner.Email, firm.Owner.Password);
        await page.GoToAsync("/staff/settings/identity");
        var name = page.Field("legal-name");
        var siren = page.Field("siren");
        await name.FillAsync("Cabinet Martin SARL");
        await siren.FillAsync("123456789");

        await page.GetByTestId("save-identity").ClickAsync();

        await Assertions.Expect(siren).ToBeFocusedAsync();
        await Assertions.Expect(siren).ToHaveAttributeAsync("aria-invalid", "true");
        await Assertions.Expect(siren).ToHaveAccessibleDescriptionAsync(new Regex("The SIREN 123456789 is not valid"));
        await Assertions.Expect(name).Not.ToHaveAttributeAsync("aria-invalid", "true");
        (await AccessibilityTests.FailingViolationsAsync(page)).Select(v => $"{v.Id}: {v.Help}").ShouldBeEmpty();
        await using (var db = _app.OpenDb(firm.Id))
            (await db.Firms.SingleAsync()).LegalName.ShouldBeNull();

        // Corrected, it saves, and the field is no longer in error.
        await siren.CorrectAsync("732 829 320");
        await page.GetByTestId("save-identity").ClickAsync();
        await Assertions.Expect(page.GetByText("Legal identity saved")).ToBeVisibleAsync();
        await Assertions.Expect(siren).Not.ToHaveAttributeAsync("aria-invalid", "true");
        await using (var db = _app.OpenDb(firm.Id))
            (await db.Firms.SingleAsync()).Siren.ShouldBe("732829320");
    }
}
