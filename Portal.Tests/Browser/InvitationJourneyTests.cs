using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Portal.Demo;
using Portal.Tests.Fixture;

namespace Portal.Tests.Browser;

/// <summary>The owner invites a client's contact from the client page; the contact accepts and sees that client's invoices.</summary>
[Collection(BrowserCollection.Name)]
public sealed partial class InvitationJourneyTests(Fixture.Browser browser) : IAsyncLifetime
{
    private readonly DemoPortalApp _app = new();

    public Task InitializeAsync() => _app.InitializeAsync();
    public Task DisposeAsync() => ((IAsyncLifetime)_app).DisposeAsync();

    [Fact]
    public async Task An_invited_contact_sets_a_password_and_lands_on_their_clients_dashboard()
    {
        var owner = await browser.NewPageAsync(_app.BaseUrl);
        await owner.SignInAsync("owner@demo.portal", DemoData.Password);
        await owner.GoToAsync("/staff/clients");
        await owner.GetByText("Blue River Studio").ClickAsync();
        await owner.WaitForInteractiveAsync();
        await owner.Field("new-contact-name").FillAsync("Dana Finance");
        await owner.Field("new-contact-email").FillAsync("dana@blueriver.example");
        await owner.GetByTestId("invite-new-contact").ClickAsync();
        await Assertions.Expect(owner.GetByText("Invitation sent to dana@blueriver.example.")).ToBeVisibleAsync();

        var link = await InvitationLinkAsync("dana@blueriver.example");
        var contact = await browser.NewPageAsync(_app.BaseUrl, width: 390, height: 844);
        await contact.GotoAsync(link);
        await contact.Locator("#password").FillAsync("Blue-river-dana-2026");
        await contact.Locator("#confirm").FillAsync("Blue-river-dana-2026");
        await contact.GetByRole(AriaRole.Button, new() { Name = "Accept the invitation" }).ClickAsync();

        await Assertions.Expect(contact).ToHaveURLAsync(new Regex("/portal$"));
        await contact.WaitForInteractiveAsync();
        await Assertions.Expect(contact.GetByText("Welcome, Blue River Studio")).ToBeVisibleAsync();
        await Assertions.Expect(contact.GetByTestId("amount-due-total").First).ToContainTextAsync("£");

        // The link worked once; opening it again explains itself instead of creating a second login.
        var again = await browser.NewPageAsync(_app.BaseUrl);
        await again.GotoAsync(link);
        await Assertions.Expect(again.Locator("#password")).ToHaveCountAsync(0);
    }

    private Task<string> InvitationLinkAsync(string email) => _app.LinkDeliveredToAsync(email, "/Account/AcceptInvitation/");
}
