using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Hosting;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Portal.Domain.Invoices;
using Portal.Email;
using Portal.Invoices;
using Portal.Invoices.Delivery;
using Portal.PayLinks;
using Portal.Team;
using Portal.Tests.Fixture;

namespace Portal.Tests.PayLinks;

/// <summary>
/// Pay links over real HTTP: a send emails one, opening it leads the right person to the invoice and no one else,
/// and every dead link (never issued, tampered, expired, revoked, invoice voided or paid) gets the same page.
/// </summary>
public sealed class PayLinkTests(PayLinkTests.PayLinksApp app) : IClassFixture<PayLinkTests.PayLinksApp>, IAsyncLifetime
{
    public sealed class PayLinksApp : PortalApp
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            // Tests open far more links a minute than a person; the limiter is the app's ordinary one.
            builder.UseSetting("PayLinks:RequestsPerMinute", "100000");
        }
    }

    public Task InitializeAsync()
    {
        // Sends made here run outside any request, as a job's would: links are built from the configured address.
        app.Services.GetRequiredService<IConfiguration>()["Portal:PublicBaseUrl"] = app.BaseUrl.ToString();
        return app.ResetAsync();
    }
    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Sending_emails_a_pay_link_to_the_billing_address_and_puts_it_on_the_timeline()
    {
        var (firm, client) = await app.AFirmWithAClientAsync();
        var invoice = await app.AnInvoice(client).WithLine("Audit", 1, 120_00).IssuedAsync();

        var result = await app.AsStaffOfAsync<InvoiceDelivery, DeliveryResult>(firm, d => d.SendAsync(invoice.Id));

        result.Sent.ShouldBeTrue();
        var billing = await BillingEmailAsync(client);
        result.Recipient.ShouldBe(billing);
        var link = await app.LinkDeliveredToAsync(billing, "/pay/");
        var delivered = await app.LatestDeliveredToAsync(billing);
        (delivered.Subject ?? "").ShouldContain(invoice.Number!);
        // The invoice's PDF goes with it.
        var attached = delivered.Attachments.OfType<MimeKit.MimePart>().ShouldHaveSingleItem();
        (attached.ContentType.MimeType, attached.FileName).ShouldBe(("application/pdf", $"Invoice-{invoice.Number}.pdf"));
        using var pdf = new MemoryStream();
        await attached.Content!.DecodeToAsync(pdf);
        Portal.Tests.Documents.PdfReading.Of(pdf.ToArray()).Shows("120.00").ShouldBeTrue();
        // The link is a key to the invoice: what staff can read on Sent emails has it hidden.
        var stored = await StoredEmailAsync(billing);
        stored.TextBody.ShouldNotContain(link);
        var timeline = await TimelineAsync(invoice.Id);
        timeline.ShouldHaveSingleItem().Kind.ShouldBe(InvoiceTimelineKind.Sent);
        timeline[0].Recipient.ShouldBe(billing);
        timeline[0].ActorName.ShouldBe("Staff " + firm.Key);
        (await DeliveryStateAsync(firm, invoice.Id)).ShouldBe(DeliveryState.Sent);
    }

    [Fact]
    public async Task Never_issued_tampered_replaced_and_revoked_links_all_get_the_same_page()
    {
        var (firm, client) = await app.AFirmWithAClientAsync();
        var invoice = await app.AnInvoice(client).IssuedAsync();
        var first = await SendAsync(firm, client, invoice.Id);
        var second = await SendAsync(firm, client, invoice.Id);
        using var visitor = app.AnonymousSession();

        var tampered = second[..^2] + (second[^2] == 'A' ? "BA" : "AA");
        var neverIssued = "/pay/" + Convert.ToBase64String(new byte[32]).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        var answers = new List<string>();
        foreach (var link in new[] { first, tampered, neverIssued, "/pay/not-a-token" })
        {
            using var response = await visitor.GetAsync(link);
            response.StatusCode.ShouldBe(HttpStatusCode.Redirect, link);
            response.Headers.Location!.OriginalString.ShouldBe(PayLinkEndpoints.InvalidPage);
            answers.Add(await DeadLinkPageAsync(link));
        }
        answers.Distinct().ShouldHaveSingleItem();
        answers[0].ShouldContain("This link no longer works");
        answers[0].ShouldNotContain(invoice.Number!);

        // The latest link still works; an owner revoking all of the client's links ends it too, with the same page.
        (await visitor.GetAsync(second)).Headers.Location!.OriginalString.ShouldNotBe(PayLinkEndpoints.InvalidPage);
        (await app.AsStaffOfAsync<Portal.PayLinks.PayLinks, int>(firm, p => p.RevokeAllForClientAsync(client.Id))).ShouldBe(1);
        (await CheckAsync(second)).Problem.ShouldBe(PayLinkProblem.Revoked);
        (await DeadLinkPageAsync(second)).ShouldBe(answers[0]);
    }

    [Fact]
    public async Task A_link_works_for_sixty_days_then_expires()
    {
        var (firm, client) = await app.AFirmWithAClientAsync();
        var invoice = await app.AnInvoice(client).DueInDays(90).IssuedAsync();
        var link = await SendAsync(firm, client, invoice.Id);

        ((TestClock)app.Clock).Advance(TimeSpan.FromDays(59));
        (await CheckAsync(link)).IsValid.ShouldBeTrue();
        ((TestClock)app.Clock).Advance(TimeSpan.FromDays(1));
        (await CheckAsync(link)).Problem.ShouldBe(PayLinkProblem.Expired);
        using var visitor = app.AnonymousSession();
        (await visitor.GetAsync(link)).Headers.Location!.OriginalString.ShouldBe(PayLinkEndpoints.InvalidPage);

        // Sending again renews it: a fresh link for another sixty days.
        var sentAt = app.Clock.GetUtcNow();
        var renewed = (await CheckAsync(await SendAsync(firm, client, invoice.Id))).Link!;
        renewed.CreatedAt.ShouldBeGreaterThanOrEqualTo(sentAt);
        renewed.ExpiresAt.ShouldBe(renewed.CreatedAt + PayLink.Lifetime);
    }

    [Fact]
    public async Task Voiding_the_invoice_or_paying_it_in_full_closes_its_link_and_paid_goes_on_the_timeline()
    {
        var (firm, client) = await app.AFirmWithAClientAsync();
        var voided = await app.AnInvoice(client).IssuedAsync();
        var paid = await app.AnInvoice(client).WithLine("Audit", 1, 100_00).IssuedAsync();
        var voidedLink = await SendAsync(firm, client, voided.Id);
        var paidLink = await SendAsync(firm, client, paid.Id);

        await app.AsStaffOfAsync<Invoicing>(firm, i => i.VoidAsync(voided.Id, "Sent in error"));
        (await CheckAsync(voidedLink)).Problem.ShouldBe(PayLinkProblem.InvoiceClosed);

        await app.PayByTransferAsync(client, paid.Id, 40_00);
        (await CheckAsync(paidLink)).IsValid.ShouldBeTrue("a part payment leaves the rest to pay");
        await app.PayByTransferAsync(client, paid.Id, 60_00);
        (await CheckAsync(paidLink)).Problem.ShouldBe(PayLinkProblem.InvoiceClosed);
        (await TimelineAsync(paid.Id)).Select(e => e.Kind).ShouldBe([InvoiceTimelineKind.Sent, InvoiceTimelineKind.Paid]);
        (await TimelineAsync(voided.Id)).Select(e => e.Kind).ShouldBe([InvoiceTimelineKind.Sent]);
    }

    [Fact]
    public async Task Signed_in_as_that_client_the_link_opens_the_invoice_and_anyone_else_signed_in_learns_nothing()
    {
        var (firm, client, other) = await app.AFirmWithTwoClientsAsync();
        var (otherFirm, stranger) = await app.AFirmWithAClientAsync();
        var invoice = await app.AnInvoice(client).IssuedAsync();
        var link = await SendAsync(firm, client, invoice.Id);

        using var owner = await app.SignInAsync(client.Contact);
        var opened = await owner.GetAsync(link);
        opened.Headers.Location!.OriginalString.ShouldBe($"/portal/invoices/{invoice.Id}");
        (await owner.GetPageAsync($"/portal/invoices/{invoice.Id}")).Html.ShouldContain(invoice.Number!);

        foreach (var login in new[] { other.Contact, stranger.Contact, firm.Staff, otherFirm.Staff })
        {
            using var someoneElse = await app.SignInAsync(login);
            var response = await someoneElse.GetAsync(link);
            response.Headers.Location!.OriginalString.ShouldBe(PayLinkEndpoints.OtherAccountPage, login.Email);
            var (_, page) = await someoneElse.GetPageAsync(PayLinkEndpoints.OtherAccountPage);
            page.ShouldNotContain(invoice.Number!);
        }
        // Only the client's own opening counts as the link being opened.
        (await TimelineAsync(invoice.Id)).Count(e => e.Kind == InvoiceTimelineKind.LinkOpened).ShouldBe(1);
    }

    [Fact]
    public async Task Without_guest_pay_an_anonymous_visitor_confirms_by_a_sign_in_link_that_lands_on_the_invoice()
    {
        var (firm, client) = await app.AFirmWithAClientAsync();
        var invoice = await app.AnInvoice(client).IssuedAsync();
        // Sent to the contact's own address, which has a portal sign-in.
        await app.AsStaffOfAsync<InvoiceDelivery, DeliveryResult>(firm, d => d.SendAsync(invoice.Id, client.Contact.Email));
        var link = await app.LinkDeliveredToAsync(client.Contact.Email, "/pay/");
        using var visitor = app.AnonymousSession();

        var opened = await visitor.GetAsync(link);

        opened.Headers.Location!.OriginalString.ShouldBe(PayLinkEndpoints.CheckEmailPage);
        (await visitor.GetPageAsync(PayLinkEndpoints.CheckEmailPage)).Html.ShouldNotContain(invoice.Number!);
        var signInLink = await app.LinkDeliveredToAsync(client.Contact.Email, "/Account/MagicLink/");
        var signedIn = await visitor.SubmitFormAsync(signInLink, "magic-link-sign-in", []);
        new Uri(app.BaseUrl, signedIn.Headers.Location!).AbsolutePath.ShouldBe($"/portal/invoices/{invoice.Id}");
        (await visitor.GetPageAsync($"/portal/invoices/{invoice.Id}")).Html.ShouldContain(invoice.Number!);
        (await visitor.GetAsync("/pay/guest")).Headers.Location!.OriginalString.ShouldEndWith(PayLinkEndpoints.InvalidPage, Case.Insensitive);
        (await TimelineAsync(invoice.Id)).Select(e => e.Kind).ShouldBe([InvoiceTimelineKind.Sent, InvoiceTimelineKind.LinkOpened]);
    }

    [Fact]
    public async Task Without_guest_pay_a_recipient_with_no_sign_in_is_invited_once_and_the_invitation_opens_the_clients_portal()
    {
        var (firm, client) = await app.AFirmWithAClientAsync();
        var invoice = await app.AnInvoice(client).IssuedAsync();
        const string address = "bookkeeping@newcomer.example";
        var sent = await app.AsStaffOfAsync<InvoiceDelivery, DeliveryResult>(firm, d => d.SendAsync(invoice.Id, address));
        sent.Sent.ShouldBeTrue();
        var link = await app.LinkDeliveredToAsync(address, "/pay/");
        using var visitor = app.AnonymousSession();

        (await visitor.GetAsync(link)).Headers.Location!.OriginalString.ShouldBe(PayLinkEndpoints.CheckEmailPage);

        // Not a sign-in link, which this address cannot use: an invitation to the client's portal, sent once however
        // often the link is opened.
        var invitation = await app.LinkDeliveredToAsync(address, "/Account/AcceptInvitation/");
        (await visitor.GetAsync(link)).Headers.Location!.OriginalString.ShouldBe(PayLinkEndpoints.CheckEmailPage);
        await using (var db = app.OpenDb())
        {
            (await db.Set<EmailMessage>().IgnoreQueryFilters().CountAsync(m => m.To == address)).ShouldBe(2, "the invoice and one invitation");
            var pending = await db.Set<Invitation>().IgnoreQueryFilters().SingleAsync(i => i.Email == address);
            pending.ClientAccountId.ShouldBe(client.Id);
            pending.InvitedByUserId.ShouldBe(Invitation.SentForPayLink);
        }
        var accepted = await visitor.SubmitFormAsync(invitation, "accept-invitation", new()
        {
            ["Input.DisplayName"] = "Newcomer Books", ["Input.Password"] = "Newcomer-books-2026", ["Input.ConfirmPassword"] = "Newcomer-books-2026",
        });
        accepted.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        (await visitor.GetPageAsync($"/portal/invoices/{invoice.Id}")).Html.ShouldContain(invoice.Number!);
    }

    [Fact]
    public async Task With_guest_pay_an_anonymous_visitor_sees_that_invoice_and_reaches_nothing_else()
    {
        var (firm, client) = await app.AFirmWithAClientAsync();
        await app.AsStaffOfAsync<DeliverySettings>(firm, s => s.SaveAsync(emailInvoicesWhenIssued: false, guestPayAllowed: true));
        var invoice = await app.AnInvoice(client).WithLine("Quarterly audit", 1, 321_00).IssuedAsync();
        var another = await app.AnInvoice(client).WithLine("Payroll", 1, 55_00).IssuedAsync();
        var link = await SendAsync(firm, client, invoice.Id);
        await SendAsync(firm, client, another.Id);
        using var guest = app.AnonymousSession();

        (await guest.GetAsync(link)).Headers.Location!.OriginalString.ShouldBe(PayLinkEndpoints.GuestPage);
        var (status, page) = await guest.GetPageAsync(PayLinkEndpoints.GuestPage);

        status.ShouldBe(HttpStatusCode.OK);
        page.ShouldContain(invoice.Number!);
        page.ShouldContain("Quarterly audit");
        page.ShouldNotContain(another.Number!);
        page.ShouldNotContain("Payroll");
        // The guest session opens this page only: the portal still asks for a sign-in, and another payment id leads back.
        foreach (var path in new[] { $"/portal/invoices/{invoice.Id}", $"/portal/invoices/{another.Id}", "/portal", "/portal/pay", "/staff" })
            (await guest.GetAsync(path)).Headers.Location!.OriginalString.ShouldContain("Account/Login", Case.Insensitive, path);
        (await guest.GetAsync($"/pay/guest/payments/{Guid.NewGuid()}")).Headers.Location!.OriginalString.ShouldEndWith(PayLinkEndpoints.GuestPage);

        // Someone without the guest cookie, or with a forged one, gets the dead-link page.
        using var stranger = app.AnonymousSession();
        (await stranger.GetAsync(PayLinkEndpoints.GuestPage)).Headers.Location!.OriginalString.ShouldEndWith(PayLinkEndpoints.InvalidPage);
        stranger.Cookies.Add(app.BaseUrl, new Cookie(GuestSessions.CookieName, "CfDJ8forged", "/pay"));
        (await stranger.GetAsync(PayLinkEndpoints.GuestPage)).Headers.Location!.OriginalString.ShouldEndWith(PayLinkEndpoints.InvalidPage);

        // Once the owner revokes the client's links, the guest session ends with them.
        await app.AsStaffOfAsync<Portal.PayLinks.PayLinks, int>(firm, p => p.RevokeAllForClientAsync(client.Id));
        (await guest.GetAsync(PayLinkEndpoints.GuestPage)).Headers.Location!.OriginalString.ShouldEndWith(PayLinkEndpoints.InvalidPage);
    }

    [Fact]
    public async Task Asking_for_a_fresh_link_answers_the_same_whatever_matched_and_emails_only_the_clients_address()
    {
        var (firm, client) = await app.AFirmWithAClientAsync();
        var invoice = await app.AnInvoice(client).IssuedAsync();
        var expired = await SendAsync(firm, client, invoice.Id);
        ((TestClock)app.Clock).Advance(TimeSpan.FromDays(61));
        var billing = await BillingEmailAsync(client);
        var sentBefore = await EmailCountAsync();

        var wrongAddress = await AskFreshAsync(expired, "someone@elsewhere.test");
        var neverIssued = await AskFreshAsync("/pay/" + new string('A', 43), billing);
        var notAnAddress = await AskFreshAsync(expired, "not an address");
        (await EmailCountAsync()).ShouldBe(sentBefore, "nothing matched");
        var matching = await AskFreshAsync(expired, billing.ToUpperInvariant());

        new[] { wrongAddress, neverIssued, notAnAddress, matching }.Distinct().ShouldHaveSingleItem();
        var fresh = await app.LinkDeliveredToAsync(billing, "/pay/");
        fresh.ShouldNotBe(expired);
        (await CheckAsync(fresh)).IsValid.ShouldBeTrue();
        (await TimelineAsync(invoice.Id)).Last().ActorName.ShouldBeNull("the portal sent it, not staff");
    }

    [Fact]
    public async Task A_client_who_opted_out_gets_no_email_and_the_invoice_says_not_sent_no_email()
    {
        var (firm, client) = await app.AFirmWithAClientAsync();
        var invoice = await app.AnInvoice(client).IssuedAsync();
        await app.AsStaffOfAsync<DeliverySettings>(firm, s => s.SetClientOptOutAsync(client.Id, true));
        var before = await EmailCountAsync();

        var result = await app.AsStaffOfAsync<InvoiceDelivery, DeliveryResult>(firm, d => d.SendAsync(invoice.Id));

        result.NoEmail.ShouldBeTrue();
        (await EmailCountAsync()).ShouldBe(before);
        (await TimelineAsync(invoice.Id)).ShouldHaveSingleItem().Kind.ShouldBe(InvoiceTimelineKind.NotSentNoEmail);
        (await DeliveryStateAsync(firm, invoice.Id)).ShouldBe(DeliveryState.NotSentNoEmail);
        await using var db = app.OpenDb();
        (await db.Set<PayLink>().IgnoreQueryFilters().CountAsync(l => l.InvoiceId == invoice.Id)).ShouldBe(0);
    }

    [Fact]
    public async Task Sending_a_selection_sends_each_due_invoice_and_says_why_for_the_others()
    {
        var (firm, client) = await app.AFirmWithAClientAsync();
        var (_, otherClient) = await app.AFirmWithAClientAsync();
        var first = await app.AnInvoice(client).IssuedAsync();
        var second = await app.AnInvoice(client).IssuedAsync();
        var draft = await app.AnInvoice(client).DraftAsync();
        var elsewhere = await app.AnInvoice(otherClient).IssuedAsync();

        var results = await app.AsStaffOfAsync<InvoiceDelivery, IReadOnlyList<DeliveryResult>>(firm, d => d.SendManyAsync([first.Id, second.Id, draft.Id, elsewhere.Id]));

        results.Where(r => r.Sent).Select(r => r.InvoiceId).ShouldBe([first.Id, second.Id], ignoreOrder: true);
        results.Single(r => r.InvoiceId == draft.Id).Refusal.ShouldNotBeNull();
        results.Single(r => r.InvoiceId == elsewhere.Id).Refusal.ShouldNotBeNull();
        (await TimelineAsync(elsewhere.Id)).ShouldBeEmpty();
        // The list's query: the firm's sent invoices, none of another firm's.
        await using var db = app.OpenDb(firm.Id);
        var states = await InvoiceDeliveryRow.ForAsync(db, [first.Id, second.Id, draft.Id, elsewhere.Id]);
        states.Keys.ShouldBe([first.Id, second.Id], ignoreOrder: true);
        states.Values.ShouldAllBe(s => s.State == DeliveryState.Sent);
    }

    [Fact]
    public async Task Issue_also_sends_when_the_firm_emails_invoices_when_issued()
    {
        var (firm, client) = await app.AFirmWithAClientAsync();
        var quiet = await app.AnInvoice(client).DraftAsync();
        (await app.AsStaffOfAsync<InvoiceDelivery, DeliveryResult?>(firm, d => d.IssueAsync(quiet.Id))).ShouldBeNull();
        (await TimelineAsync(quiet.Id)).ShouldBeEmpty();

        await app.AsStaffOfAsync<DeliverySettings>(firm, s => s.SaveAsync(emailInvoicesWhenIssued: true, guestPayAllowed: false));
        var sent = await app.AnInvoice(client).DraftAsync();
        var result = await app.AsStaffOfAsync<InvoiceDelivery, DeliveryResult?>(firm, d => d.IssueAsync(sent.Id));

        result!.Sent.ShouldBeTrue();
        (await TimelineAsync(sent.Id)).ShouldHaveSingleItem().Kind.ShouldBe(InvoiceTimelineKind.Sent);
        var andSend = await app.AnInvoice(client).DraftAsync();
        (await app.AsStaffOfAsync<InvoiceDelivery, DeliveryResult>(firm, d => d.IssueAndSendAsync(andSend.Id))).Sent.ShouldBeTrue();
    }

    private async Task<string> SendAsync(TestFirm firm, TestClient client, Guid invoiceId)
    {
        var result = await app.AsStaffOfAsync<InvoiceDelivery, DeliveryResult>(firm, d => d.SendAsync(invoiceId));
        result.Sent.ShouldBeTrue();
        // The newest email to the address: this send's.
        return await app.LinkDeliveredToAsync(result.Recipient!, "/pay/");
    }

    private async Task<PayLinkCheck> CheckAsync(string link)
    {
        await using var scope = app.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<Portal.PayLinks.PayLinks>().CheckAsync(link["/pay/".Length..]);
    }

    /// <summary>Opens the link in a fresh browser-less session and returns the page it ends on, byte for byte.</summary>
    private async Task<string> DeadLinkPageAsync(string link)
    {
        using var visitor = app.AnonymousSession();
        var response = await visitor.GetAsync(link);
        response.Headers.Location!.OriginalString.ShouldBe(PayLinkEndpoints.InvalidPage);
        var (status, html) = await visitor.GetPageAsync(PayLinkEndpoints.InvalidPage);
        status.ShouldBe(HttpStatusCode.OK);
        return WithoutComponentState(html);
    }

    /// <summary>Opens a dead link, then posts the fresh-link form as a browser would; returns where it leads and that page.</summary>
    private async Task<string> AskFreshAsync(string link, string email)
    {
        using var visitor = app.AnonymousSession();
        (await visitor.GetAsync(link)).Headers.Location!.OriginalString.ShouldBe(PayLinkEndpoints.InvalidPage);
        using var posted = await visitor.Http.PostAsync("/pay/fresh-link", new FormUrlEncodedContent(new Dictionary<string, string> { ["email"] = email }));
        var (_, page) = await visitor.GetPageAsync(posted.Headers.Location!.OriginalString);
        return $"{(int)posted.StatusCode} {posted.Headers.Location}\n{WithoutComponentState(page)}";
    }

    /// <summary>
    /// Blazor appends its (empty) component state encrypted with a fresh nonce to every page, so no two answers of any page
    /// are the same bytes; it carries nothing of the request (the same is done in SameAnswerTests).
    /// </summary>
    private static string WithoutComponentState(string html) => Regex.Replace(html, "<!--Blazor-Server-Component-State:[^>]*-->", "");

    private async Task<string> BillingEmailAsync(TestClient client)
    {
        await using var db = app.OpenDb();
        return await db.ClientAccounts.IgnoreQueryFilters().Where(c => c.Id == client.Id).Select(c => c.BillingEmail).SingleAsync();
    }

    private async Task<EmailMessage> StoredEmailAsync(string to)
    {
        await using var db = app.OpenDb();
        return await db.Set<EmailMessage>().IgnoreQueryFilters().Where(m => m.To == to).OrderByDescending(m => m.CreatedAt).FirstAsync();
    }

    private async Task<int> EmailCountAsync()
    {
        await using var db = app.OpenDb();
        return await db.Set<EmailMessage>().IgnoreQueryFilters().CountAsync();
    }

    private async Task<List<InvoiceTimelineEntry>> TimelineAsync(Guid invoiceId)
    {
        await using var db = app.OpenDb();
        return await db.Set<InvoiceTimelineEntry>().IgnoreQueryFilters().Where(e => e.InvoiceId == invoiceId).OrderBy(e => e.At).ThenBy(e => e.Id).ToListAsync();
    }

    private async Task<DeliveryState> DeliveryStateAsync(TestFirm firm, Guid invoiceId)
    {
        await using var db = app.OpenDb(firm.Id);
        return (await InvoiceDeliveryRow.ForAsync(db, [invoiceId])).GetValueOrDefault(invoiceId)?.State ?? DeliveryState.NeverSent;
    }
}
