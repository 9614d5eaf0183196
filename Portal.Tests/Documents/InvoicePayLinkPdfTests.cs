using System.Diagnostics;
using System.Net;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Portal.Invoices.Delivery;
using Portal.PayLinks;
using Portal.Tests.Fixture;

namespace Portal.Tests.Documents;

/// <summary>
/// The "Pay online" link and QR code of an invoice PDF are the invoice's live pay link: the one its latest email
/// carries, made at the first download when it was never sent, and replaced when it was revoked.
/// </summary>
public sealed class InvoicePayLinkPdfTests(PortalApp app) : IClassFixture<PortalApp>, IAsyncLifetime
{
    public Task InitializeAsync() => app.ResetAsync();
    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Pdf_link_and_qr_code_carry_a_pay_link_that_opens_the_invoice_and_stays_the_same_on_the_next_download()
    {
        var (firm, client) = await app.AFirmWithAClientAsync();
        await app.GiveIdentityAsync(firm, DocumentFixtures.FrenchIdentity);
        var invoice = await app.AnInvoice(client).WithLine("Audit", 1, 1200_00, 2000).IssuedAsync();
        using var staff = await app.SignInAsync(firm.Staff);

        var link = await PayLinkOfPdfAsync(staff, $"/staff/invoices/{invoice.Id}/pdf");

        link.ShouldStartWith(new Uri(app.BaseUrl, "pay/").AbsoluteUri);
        // The client opens it: straight to their invoice.
        using var contact = await app.SignInAsync(client.Contact);
        (await contact.GetAsync(link)).Headers.Location!.OriginalString.ShouldBe($"/portal/invoices/{invoice.Id}");
        // Only its hash is kept, and one link is live for the invoice, whoever downloads the PDF next.
        await using (var db = app.OpenDb(firm.Id))
        {
            var stored = await db.Set<PayLink>().Where(l => l.InvoiceId == invoice.Id).ToListAsync();
            stored.ShouldHaveSingleItem().RevokedAt.ShouldBeNull();
            stored[0].TokenHash.ShouldNotBe(link[link.LastIndexOf('/')..].TrimStart('/'));
        }
        (await PayLinkOfPdfAsync(staff, $"/staff/invoices/{invoice.Id}/pdf")).ShouldBe(link);
        (await PayLinkOfPdfAsync(contact, $"/portal/invoices/{invoice.Id}/pdf")).ShouldBe(link);
        await using (var db = app.OpenDb(firm.Id))
            (await db.Set<PayLink>().CountAsync(l => l.InvoiceId == invoice.Id)).ShouldBe(1);
    }

    [Fact]
    public async Task Pdf_of_a_sent_invoice_carries_the_link_of_its_email()
    {
        app.Services.GetRequiredService<IConfiguration>()["Portal:PublicBaseUrl"] = app.BaseUrl.ToString();
        var (firm, client) = await app.AFirmWithAClientAsync();
        var invoice = await app.AnInvoice(client).WithLine("Audit", 1, 300_00).IssuedAsync();
        var sent = await app.AsStaffOfAsync<InvoiceDelivery, DeliveryResult>(firm, d => d.SendAsync(invoice.Id));
        var emailed = await app.LinkDeliveredToAsync(sent.Recipient!, "/pay/");
        using var staff = await app.SignInAsync(firm.Staff);

        var link = await PayLinkOfPdfAsync(staff, $"/staff/invoices/{invoice.Id}/pdf");

        new Uri(link).PathAndQuery.ShouldBe(emailed);
    }

    [Fact]
    public async Task After_the_link_is_revoked_the_pdf_shows_a_new_link_that_works_and_the_old_one_stays_dead()
    {
        var (firm, client) = await app.AFirmWithAClientAsync();
        var invoice = await app.AnInvoice(client).WithLine("Audit", 1, 300_00).IssuedAsync();
        using var staff = await app.SignInAsync(firm.Staff);
        var first = await PayLinkOfPdfAsync(staff, $"/staff/invoices/{invoice.Id}/pdf");

        (await app.AsStaffOfAsync<Portal.PayLinks.PayLinks, int>(firm, p => p.RevokeAllForClientAsync(client.Id))).ShouldBe(1);
        var second = await PayLinkOfPdfAsync(staff, $"/staff/invoices/{invoice.Id}/pdf");

        second.ShouldNotBe(first);
        using var visitor = app.AnonymousSession();
        (await visitor.GetAsync(first)).Headers.Location!.OriginalString.ShouldBe(PayLinkEndpoints.InvalidPage);
        (await visitor.GetAsync(second)).Headers.Location!.OriginalString.ShouldBe(PayLinkEndpoints.CheckEmailPage);
    }

    [Fact]
    public async Task After_the_key_ring_key_is_revoked_the_pdf_shows_a_new_link_made_under_a_new_key()
    {
        var (firm, client) = await app.AFirmWithAClientAsync();
        var invoice = await app.AnInvoice(client).WithLine("Audit", 1, 300_00).IssuedAsync();
        string before;
        using (var staff = await app.SignInAsync(firm.Staff))
            before = await PayLinkOfPdfAsync(staff, $"/staff/invoices/{invoice.Id}/pdf");

        // Revoked keys protect nothing any more (sign-in cookies too): everyone signs in again. Each key made so far is
        // revoked by its id, so no clock decides which.
        var keys = app.Services.GetRequiredService<IKeyManager>();
        foreach (var key in keys.GetAllKeys())
            keys.RevokeKey(key.KeyId, "compromised");
        await UntilTheAppProtectsUnderAKeyNotRevokedAsync();
        using var again = await app.SignInAsync(firm.Staff);
        var after = await PayLinkOfPdfAsync(again, $"/staff/invoices/{invoice.Id}/pdf");

        after.ShouldNotBe(before);
        using var visitor = app.AnonymousSession();
        (await visitor.GetAsync(before)).Headers.Location!.OriginalString.ShouldBe(PayLinkEndpoints.InvalidPage);
        (await visitor.GetAsync(after)).Headers.Location!.OriginalString.ShouldBe(PayLinkEndpoints.CheckEmailPage);
    }

    [Fact]
    public async Task Paid_invoice_pdf_has_no_pay_link_and_makes_none()
    {
        var (firm, client) = await app.AFirmWithAClientAsync();
        var invoice = await app.AnInvoice(client).WithLine("Audit", 1, 100_00).IssuedAsync();
        await app.PayByTransferAsync(client, invoice.Id, 100_00);
        using var staff = await app.SignInAsync(firm.Staff);

        var (status, content, _) = await staff.DownloadAsync($"/staff/invoices/{invoice.Id}/pdf");

        status.ShouldBe(HttpStatusCode.OK);
        var pdf = PdfReading.Of(content);
        pdf.Links.ShouldBeEmpty();
        pdf.QrCodes.ShouldBeEmpty();
        await using var db = app.OpenDb(firm.Id);
        (await db.Set<PayLink>().AnyAsync(l => l.InvoiceId == invoice.Id)).ShouldBeFalse();
    }

    /// <summary>
    /// The key ring refreshes in the background: for a moment after a revocation the app may still protect (a sign-in
    /// form's antiforgery token, say) under the revoked key, and the post that follows is refused. Waits until what the
    /// app protects names a key that is not revoked, as a person signing in a moment later would find.
    /// </summary>
    private async Task UntilTheAppProtectsUnderAKeyNotRevokedAsync()
    {
        var protector = app.Services.GetRequiredService<IDataProtectionProvider>().CreateProtector("Portal.Tests.KeyRingRefreshed");
        var keys = app.Services.GetRequiredService<IKeyManager>();
        var waited = Stopwatch.StartNew();
        while (true)
        {
            // A protected payload starts with a 4-byte magic header, then the id of the key that protected it.
            var keyId = new Guid(protector.Protect([1]).AsSpan(4, 16));
            if (keys.GetAllKeys().Any(k => k.KeyId == keyId && !k.IsRevoked))
                return;
            if (waited.Elapsed > TimeSpan.FromSeconds(30))
                throw new TimeoutException("The app's key ring still protects under a revoked key 30 s after the revocation.");
            await Task.Delay(TimeSpan.FromMilliseconds(50));
        }
    }

    /// <summary>Downloads the PDF and returns its "Pay online" link, checking the QR code and the printed address say the same.</summary>
    private static async Task<string> PayLinkOfPdfAsync(PortalSession session, string path)
    {
        var (status, content, _) = await session.DownloadAsync(path);
        status.ShouldBe(HttpStatusCode.OK);
        var pdf = PdfReading.Of(content);
        var links = pdf.Links.Where(l => l.Text.Contains("Pay online", StringComparison.Ordinal)).ToList();
        var link = links.ShouldHaveSingleItem().Uri;
        pdf.QrCodes.ShouldContain(link);
        pdf.Shows(link).ShouldBeTrue(pdf.Text);
        return link;
    }
}
