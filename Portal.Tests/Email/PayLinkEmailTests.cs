using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Portal.Email;
using Portal.Invoices.Delivery;
using Portal.PayLinks;
using Portal.Tests.Fixture;

namespace Portal.Tests.Email;

/// <summary>
/// An invoice email is stored with a reference to its pay link, sent like any email, and gets its live link only on the
/// way to the mail server; emails whose secret link is held in one instance's memory do not stay Sending forever.
/// </summary>
public sealed class PayLinkEmailTests(MailPortalApp app) : IClassFixture<MailPortalApp>, IAsyncLifetime
{
    public Task InitializeAsync()
    {
        // Sends made here run outside any request, as a job's would: links are built from the configured address.
        app.Services.GetRequiredService<IConfiguration>()["Portal:PublicBaseUrl"] = app.BaseUrl.ToString();
        return app.ResetAsync();
    }

    public Task DisposeAsync()
    {
        app.Smtp.Refusing = false;
        return Task.CompletedTask;
    }

    private TestClock Clock => (TestClock)app.Clock;

    [Fact]
    public async Task An_invoice_email_goes_out_by_the_ordinary_lease_with_its_live_link_and_the_row_holds_only_a_reference()
    {
        var (firm, client) = await app.AFirmWithAClientAsync();
        var invoice = await app.AnInvoice(client).WithLine("Audit", 1, 120_00).IssuedAsync();

        var sent = await app.AsStaffOfAsync<InvoiceDelivery, DeliveryResult>(firm, d => d.SendAsync(invoice.Id));

        var delivered = (await app.Smtp.WaitForAsync(sent.Recipient!)).ShouldHaveSingleItem();
        var text = delivered.TextBody ?? "";
        var link = text[text.IndexOf("/pay/", StringComparison.Ordinal)..].Split(' ', '\n', '\r')[0];
        (delivered.HtmlBody ?? "").ShouldContain(link);
        using var visitor = app.AnonymousSession();
        // A working link leads on towards the invoice; a dead one to the one "link no longer works" page.
        (await visitor.GetAsync(link)).Headers.Location!.OriginalString.ShouldNotBe(PayLinkEndpoints.InvalidPage);

        // The other email to this address is the invitation that opening the link sent it (it has no sign-in).
        var stored = (await app.StoredEmailsToAsync(sent.Recipient!)).Where(m => m.TextBody.Contains("/pay/", StringComparison.Ordinal)).ShouldHaveSingleItem();
        stored.Status.ShouldBe(EmailStatus.Sent);
        await using (var db = app.OpenDb())
        {
            var payLink = await db.Set<PayLink>().IgnoreQueryFilters().SingleAsync(l => l.InvoiceId == invoice.Id);
            stored.TextBody.ShouldContain($"/pay/{PayLinkMail.Placeholder(payLink.Id)}");
            stored.HtmlBody.ShouldContain(PayLinkMail.Placeholder(payLink.Id));
        }
        var token = link["/pay/".Length..];
        stored.TextBody.ShouldNotContain(token);
        stored.HtmlBody.ShouldNotContain(token);
        using var owner = await app.SignInAsync(firm.Owner);
        var (_, page) = await owner.GetPageAsync("/staff/emails");
        page.ShouldContain("[secure link hidden]");
        page.ShouldNotContain(token);
        page.ShouldNotContain("[pay-link:");
    }

    [Fact]
    public async Task An_invoice_email_whose_link_was_revoked_before_it_went_out_is_failed_with_the_reason_not_sent_dead()
    {
        var (firm, client) = await app.AFirmWithAClientAsync();
        var invoice = await app.AnInvoice(client).IssuedAsync();
        app.Smtp.Refusing = true;
        var sent = await app.AsStaffOfAsync<InvoiceDelivery, DeliveryResult>(firm, d => d.SendAsync(invoice.Id));
        await WaitForAsync(sent.Recipient!, m => m.Attempts == 1);

        (await app.AsStaffOfAsync<Portal.PayLinks.PayLinks, int>(firm, p => p.RevokeAllForClientAsync(client.Id))).ShouldBe(1);
        app.Smtp.Refusing = false;
        Clock.Advance(EmailMessage.BackOff(1) + TimeSpan.FromSeconds(1));
        await app.DrainOutboxAsync(firm);

        var stored = (await app.StoredEmailsToAsync(sent.Recipient!)).ShouldHaveSingleItem();
        stored.Status.ShouldBe(EmailStatus.Failed);
        stored.LastError.ShouldBe(PayLinkMail.LinkClosedError);
        app.Smtp.To(sent.Recipient!).ShouldBeEmpty();
        using var owner = await app.SignInAsync(firm.Owner);
        (await owner.GetPageAsync("/staff/emails")).Html.ShouldContain(WebUtility.HtmlEncode(PayLinkMail.LinkClosedError));
    }

    [Fact]
    public async Task A_held_secret_link_email_whose_sender_died_is_failed_with_its_reason_after_the_held_lifetime()
    {
        var firm = await app.AFirmAsync();
        const string to = "orphan@client.test";
        // What a sender that died leaves behind: the row Sending, without a lease, and its real body gone with its memory.
        var orphan = new EmailMessage(firm.Id, to, "Your sign-in link", "Sign in: [secure link hidden]", "<p>Sign in: [secure link hidden]</p>", app.Clock.GetUtcNow());
        orphan.HoldForSender();
        await using (var db = app.OpenDb(firm.Id))
        {
            db.Add(orphan);
            await db.SaveChangesAsync();
        }

        // A sweep within the lifetime leaves it to its sender.
        Clock.Advance(HeldSecretLinks.Lifetime);
        await app.DrainOutboxAsync(firm);
        (await app.StoredEmailsToAsync(to)).ShouldHaveSingleItem().Status.ShouldBe(EmailStatus.Sending);

        Clock.Advance(EmailDispatcher.Lease + TimeSpan.FromSeconds(1));
        await app.DrainOutboxAsync(firm);

        var stored = (await app.StoredEmailsToAsync(to)).ShouldHaveSingleItem();
        stored.Status.ShouldBe(EmailStatus.Failed);
        stored.LastError.ShouldBe(EmailDispatcher.HeldLostError);
        app.Smtp.To(to).ShouldBeEmpty();
    }

    [Fact]
    public async Task A_held_email_its_living_sender_could_not_send_within_the_lifetime_is_failed_by_that_sender()
    {
        var firm = await app.AFirmAsync();
        const string to = "late.link@client.test";
        app.Smtp.Refusing = true;
        await using (var db = app.OpenDb(firm.Id))
        {
            app.Services.GetRequiredService<Mailer>().QueueWithSecretLink(db, firm.Id, to, "Your sign-in link", "Sign in", $"{app.BaseUrl}Account/MagicLink/secret-token-that-must-stay-hidden", "Sign in");
            await db.SaveChangesAsync();
        }
        app.Services.GetRequiredService<EmailSignal>().Notify();
        await WaitForAsync(to, m => m.Attempts == 1);

        // Past the lifetime but not yet a lease beyond it: the sender itself gives up, before anyone would call it lost.
        Clock.Advance(HeldSecretLinks.Lifetime + TimeSpan.FromSeconds(1));
        app.Smtp.Refusing = false;
        app.Services.GetRequiredService<EmailSignal>().Notify();
        // Held emails are tried after the pending ones, so the row itself is the signal here.
        await WaitForAsync(to, m => m.Status == EmailStatus.Failed);
        await app.DrainOutboxAsync(firm);

        var stored = (await app.StoredEmailsToAsync(to)).ShouldHaveSingleItem();
        stored.LastError.ShouldBe(EmailDispatcher.HeldExpiredError);
        app.Smtp.To(to).ShouldBeEmpty();
    }

    /// <summary>Waits until the email to <paramref name="to"/> is as <paramref name="reached"/> says: the dispatcher writes it.</summary>
    private async Task WaitForAsync(string to, Func<EmailMessage, bool> reached)
    {
        var until = DateTimeOffset.UtcNow.AddSeconds(30);
        while (true)
        {
            var stored = await app.StoredEmailsToAsync(to);
            if (stored.Count == 1 && reached(stored[0]))
                return;
            if (DateTimeOffset.UtcNow > until)
                throw new TimeoutException($"The email to {to} is {string.Join(", ", stored.Select(m => $"{m.Status} {m.Attempts} {m.LastError}"))}.");
            await Task.Delay(50);
        }
    }
}
