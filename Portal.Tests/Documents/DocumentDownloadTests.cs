using System.Net;
using Portal.Tests.Fixture;

namespace Portal.Tests.Documents;

public sealed class DocumentDownloadTests(PortalApp app) : IClassFixture<PortalApp>, IAsyncLifetime
{
    public Task InitializeAsync() => app.ResetAsync();
    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Client_downloads_their_own_invoice_as_an_attachment()
    {
        var (_, client) = await app.AFirmWithAClientAsync();
        var invoice = await app.AnInvoice(client).WithLine("Audit", 1, 100_00).IssuedAsync();
        using var session = await app.SignInAsync(client.Contact);

        using var response = await session.GetAsync($"/portal/invoices/{invoice.Id}/pdf");

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("application/pdf");
        response.Content.Headers.ContentDisposition!.DispositionType.ShouldBe("attachment");
        (response.Content.Headers.ContentDisposition.FileNameStar ?? response.Content.Headers.ContentDisposition.FileName).ShouldBe($"Invoice-{invoice.Number}.pdf");
        PdfReading.Of(await response.Content.ReadAsByteArrayAsync()).Shows(invoice.Number!).ShouldBeTrue();
    }

    [Fact]
    public async Task Another_clients_invoice_is_not_found_for_a_client()
    {
        var (_, client, other) = await app.AFirmWithTwoClientsAsync();
        var theirs = await app.AnInvoice(other).IssuedAsync();
        using var session = await app.SignInAsync(client.Contact);

        (await session.DownloadAsync($"/portal/invoices/{theirs.Id}/pdf")).Status.ShouldBe(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Another_firms_invoice_is_not_found_for_staff_or_clients()
    {
        var (firm, client) = await app.AFirmWithAClientAsync();
        var (_, elsewhere) = await app.AFirmWithAClientAsync();
        var theirs = await app.AnInvoice(elsewhere).IssuedAsync();
        var ours = await app.AnInvoice(client).IssuedAsync();
        using var staff = await app.SignInAsync(firm.Staff);
        using var contact = await app.SignInAsync(client.Contact);

        (await staff.DownloadAsync($"/staff/invoices/{theirs.Id}/pdf")).Status.ShouldBe(HttpStatusCode.NotFound);
        (await contact.DownloadAsync($"/portal/invoices/{theirs.Id}/pdf")).Status.ShouldBe(HttpStatusCode.NotFound);
        (await staff.DownloadAsync($"/staff/invoices/{ours.Id}/pdf")).Status.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Draft_is_refused_to_the_client_and_shown_to_staff()
    {
        var (firm, client) = await app.AFirmWithAClientAsync();
        var draft = await app.AnInvoice(client).DraftAsync();
        using var staff = await app.SignInAsync(firm.Staff);
        using var contact = await app.SignInAsync(client.Contact);

        (await contact.DownloadAsync($"/portal/invoices/{draft.Id}/pdf")).Status.ShouldBe(HttpStatusCode.NotFound);
        var forStaff = await staff.DownloadAsync($"/staff/invoices/{draft.Id}/pdf");
        forStaff.Status.ShouldBe(HttpStatusCode.OK);
        PdfReading.Of(forStaff.Content).Shows("DRAFT").ShouldBeTrue();
    }

    [Fact]
    public async Task Client_cannot_use_the_staff_download_and_a_visitor_must_sign_in()
    {
        var (_, client) = await app.AFirmWithAClientAsync();
        var invoice = await app.AnInvoice(client).IssuedAsync();
        using var contact = await app.SignInAsync(client.Contact);
        using var visitor = app.AnonymousSession();

        (await contact.DownloadAsync($"/staff/invoices/{invoice.Id}/pdf")).Status.ShouldNotBe(HttpStatusCode.OK);
        (await visitor.DownloadAsync($"/portal/invoices/{invoice.Id}/pdf")).Status.ShouldNotBe(HttpStatusCode.OK);
    }
}
