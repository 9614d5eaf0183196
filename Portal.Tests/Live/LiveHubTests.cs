using System.Net;
using Microsoft.EntityFrameworkCore;
using Portal.Domain;
using Portal.Invoices;
using Portal.Ledger;
using Portal.Live;
using Portal.Tests.Fixture;
using Portal.Wallets;

namespace Portal.Tests.Live;

/// <summary>The live hub: who hears what when money moves, and what is never sent.</summary>
public sealed class LiveHubTests : IAsyncLifetime
{
    private readonly PortalApp _app = new();

    public Task InitializeAsync() => _app.InitializeAsync();
    public Task DisposeAsync() => ((IAsyncLifetime)_app).DisposeAsync();

    [Fact]
    public async Task Credit_applied_by_staff_reaches_the_client_and_its_firm_and_no_one_else()
    {
        var firm = await _app.AFirmAsync();
        var client = await _app.AClientAsync(firm);
        var neighbour = await _app.AClientAsync(firm);
        var otherFirm = await _app.AFirmAsync();
        var stranger = await _app.AClientAsync(otherFirm);
        var invoice = await _app.AnInvoice(client).WithLine("Payroll", 1, 90_00).IssuedAsync();
        await _app.GiveCreditAsync(client, 100_00);
        // The invoice's issue must not be what the listeners hear first about it.
        await EverythingPublishedAsync();

        await using var clientHears = await ListenAsAsync(client.Contact);
        await using var staffHear = await ListenAsAsync(firm.Staff);
        await using var neighbourHears = await ListenAsAsync(neighbour.Contact);
        await using var strangerHears = await ListenAsAsync(stranger.Contact);
        await using var otherStaffHear = await ListenAsAsync(otherFirm.Staff);

        var paymentId = (await _app.AsStaffOfAsync<CreditSpender, MoneyResult>(firm, s => s.ApplyAsync(new CreditUse(invoice.Id, null, MoneyChecks.NewKey()))))
            .Id!.Value;

        foreach (var listener in new[] { clientHears, staffHear })
        {
            var payment = await listener.WaitForAsync(u => u.Kind == LiveKind.Payment && u.SubjectId == paymentId);
            payment.Status.ShouldBe("Succeeded");
            payment.ClientAccountId.ShouldBe(client.Id);
            (await listener.WaitForAsync(u => u.Kind == LiveKind.Invoice && u.SubjectId == invoice.Id)).Status.ShouldBe("Paid");
            await listener.WaitForAsync(u => u.Kind == LiveKind.Credit && u.ClientAccountId == client.Id);
        }
        // Messages go out in commit order: once each outsider hears a later change of its own, anything about this
        // payment would already have reached it. So they were left out, not just late.
        var neighbourCredit = await _app.GiveCreditAsync(neighbour, 1_00);
        var strangerCredit = await _app.GiveCreditAsync(stranger, 1_00);
        await neighbourHears.WaitForAsync(u => u.SubjectId == neighbourCredit);
        await strangerHears.WaitForAsync(u => u.SubjectId == strangerCredit);
        await otherStaffHear.WaitForAsync(u => u.SubjectId == strangerCredit);
        neighbourHears.Heard.ShouldAllBe(u => u.ClientAccountId == neighbour.Id);
        strangerHears.Heard.ShouldAllBe(u => u.ClientAccountId == stranger.Id);
        otherStaffHear.Heard.ShouldAllBe(u => u.FirmId == otherFirm.Id && u.ClientAccountId == stranger.Id);
    }

    [Fact]
    public async Task An_anonymous_connection_is_refused()
    {
        var refused = await Should.ThrowAsync<HttpRequestException>(() => LiveListener.ConnectAsync(_app.BaseUrl, session: null));
        refused.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task A_money_operation_that_is_refused_sends_nothing()
    {
        var firm = await _app.AFirmAsync();
        var client = await _app.AClientAsync(firm);
        var invoice = await _app.AnInvoice(client).WithLine("Audit", 1, 500_00).IssuedAsync();
        await _app.GiveCreditAsync(client, 20_00);
        await EverythingPublishedAsync();
        await using var clientHears = await ListenAsAsync(client.Contact);
        var invoiceMessages = await MessagesAboutAsync(invoice.Id);

        // More credit than the client has: the wallet refuses, the transaction rolls back after the invoice was changed in memory.
        await Should.ThrowAsync<DomainException>(() => _app.AsStaffOfAsync<CreditSpender, MoneyResult>(firm,
            s => s.ApplyAsync(new CreditUse(invoice.Id, client.Amount(300_00), MoneyChecks.NewKey()))));
        // A change that does commit afterwards goes out: anything from the refused one would have gone before it.
        var later = await _app.GiveCreditAsync(client, 5_00);

        await clientHears.WaitForAsync(u => u.SubjectId == later);
        clientHears.Heard.ShouldNotContain(u => u.SubjectId == invoice.Id);
        (await MessagesAboutAsync(invoice.Id)).ShouldBe(invoiceMessages);
    }

    [Fact]
    public async Task Issuing_and_voiding_an_invoice_reach_the_client()
    {
        var firm = await _app.AFirmAsync();
        var client = await _app.AClientAsync(firm);
        await using var clientHears = await ListenAsAsync(client.Contact);
        await using var staffHear = await ListenAsAsync(firm.Staff);

        var draft = await _app.AnInvoice(client).WithLine("Tax return", 1, 250_00).DraftAsync();
        await staffHear.WaitForAsync(u => u.SubjectId == draft.Id && u.Status == "Draft");
        await _app.AsStaffOfAsync<Invoicing>(firm, s => s.IssueAsync(draft.Id));
        await clientHears.WaitForAsync(u => u.Kind == LiveKind.Invoice && u.SubjectId == draft.Id && u.Status == "Open");
        await _app.AsStaffOfAsync<Invoicing>(firm, s => s.VoidAsync(draft.Id, "Sent twice"));
        await clientHears.WaitForAsync(u => u.SubjectId == draft.Id && u.Status == "Void");

        // Drafts are the firm's business: the client heard the invoice only once it was issued.
        clientHears.Heard.ShouldNotContain(u => u.Status == "Draft");
    }

    [Fact]
    public async Task A_change_committed_just_before_a_crash_is_still_sent()
    {
        var firm = await _app.AFirmAsync();
        var client = await _app.AClientAsync(firm);
        await using var clientHears = await ListenAsAsync(client.Contact);

        // As if an instance committed a change and stopped before waking its publisher: only the sweep can find it.
        var subject = Guid.NewGuid();
        await using (var db = _app.OpenDb(firm.Id))
        {
            db.LiveMessages.Add(new LiveMessage(firm.Id, client.Id, LiveKind.Payment, subject, "Succeeded", _app.Clock.GetUtcNow()));
            await db.SaveChangesAsync();
        }

        (await clientHears.WaitForAsync(u => u.SubjectId == subject)).Status.ShouldBe("Succeeded");
        // The row is marked published in the transaction that sent it, which commits just after the send.
        var deadline = DateTime.UtcNow.AddSeconds(10);
        DateTimeOffset? publishedAt;
        do
        {
            await using var check = _app.OpenDb();
            publishedAt = (await check.LiveMessages.IgnoreQueryFilters().SingleAsync(m => m.SubjectId == subject)).PublishedAt;
            if (publishedAt is null)
                await Task.Delay(50);
        }
        while (publishedAt is null && DateTime.UtcNow < deadline);
        publishedAt.ShouldNotBeNull();
    }

    /// <summary>Waits until the publisher has sent what earlier steps committed, so a listener hears only what comes after.</summary>
    private async Task EverythingPublishedAsync()
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (true)
        {
            await using var db = _app.OpenDb();
            if (!await db.LiveMessages.IgnoreQueryFilters().AnyAsync(m => m.PublishedAt == null))
                return;
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException("Live messages were left unpublished.");
            await Task.Delay(50);
        }
    }

    private async Task<int> MessagesAboutAsync(Guid subjectId)
    {
        await using var db = _app.OpenDb();
        return await db.LiveMessages.IgnoreQueryFilters().CountAsync(m => m.SubjectId == subjectId);
    }

    private async Task<LiveListener> ListenAsAsync(TestLogin login)
    {
        var session = await _app.SignInAsync(login);
        return await LiveListener.ConnectAsync(_app.BaseUrl, session);
    }
}
