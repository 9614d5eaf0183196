using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Portal.Clients;
using Portal.Domain.Clients;
using Portal.Domain.EInvoicing;
using Portal.Domain.Firms;
using Portal.EInvoicing;
using Portal.Tests.Documents;
using Portal.Tests.Fixture;

namespace Portal.Tests.EInvoicing.Platform;

/// <summary>Issued documents go to the firm's platform once, through two instances, retries and lost answers, and their lifecycle shows to staff.</summary>
public sealed class PlatformSubmissionTests : IAsyncLifetime
{
    private readonly PlatformPortalApp _app = new();
    private PlatformPortalApp _second = default!;

    public async Task InitializeAsync()
    {
        await ((IAsyncLifetime)_app).InitializeAsync();
        _second = new SecondInstance(_app);
        await ((IAsyncLifetime)_second).InitializeAsync();
    }

    public async Task DisposeAsync()
    {
        await ((IAsyncLifetime)_second).DisposeAsync();
        await ((IAsyncLifetime)_app).DisposeAsync();
    }

    private sealed class SecondInstance(PortalApp first) : PlatformPortalApp
    {
        protected override PortalApp? SharesDatabaseWith => first;
    }

    [Fact]
    public async Task Invoices_issued_are_submitted_once_each_by_two_instances_dispatching_together()
    {
        var (firm, client, _) = await AConnectedFirmWithABusinessClientAsync();
        var invoices = new List<Guid>();
        for (var i = 0; i < 4; i++)
            invoices.Add((await _app.AnInvoice(client).WithLine("Audit", 1, 1000_00 + i, 2000).IssuedAsync()).Id);

        await Task.WhenAll(Enumerable.Range(0, 3).SelectMany(_ => new[] { Task.Run(() => Dispatch(_app)), Task.Run(() => Dispatch(_second)) }));

        var submissions = await WaitForAsync(firm, s => s.Count == 4 && s.All(x => x.State == SubmissionState.Accepted));
        submissions.Select(s => s.DocumentId).ShouldBe(invoices, ignoreOrder: true);
        foreach (var invoice in invoices)
            (await FlowsAtThePlatformAsync(invoice)).Count.ShouldBe(1, $"invoice {invoice} has one flow at the platform");
        submissions.ShouldAllBe(s => s.Statuses.Select(x => x.Code).Order().SequenceEqual(new[] { 200, 201 }));
    }

    [Fact]
    public async Task A_lost_answer_and_a_lapsed_lease_still_leave_one_flow()
    {
        var (firm, client, _) = await AConnectedFirmWithABusinessClientAsync();
        // The platform takes the flow, then the answer never arrives: the client sends it again.
        await PlatformControlAsync("faults", new { kind = "drop_response", count = 1, method = "POST", path_contains = "/v1/flows" });
        var invoice = await _app.AnInvoice(client).WithLine("Audit", 1, 1200_00, 2000).IssuedAsync();
        await Dispatch(_app);
        var sent = (await WaitForAsync(firm, s => s.Count == 1 && s[0].State == SubmissionState.Accepted)).Single();

        // A dispatcher that sent it, then died holding the lease before it could record the flow: once the lease
        // lapses, the next one sends again.
        var now = _app.Clock.GetUtcNow();
        await using (var db = _app.OpenDb(firm.Id))
        {
            await db.EInvoicingSubmissions.Where(s => s.Id == sent.Id).ExecuteUpdateAsync(u => u
                .SetProperty(s => s.State, SubmissionState.Queued).SetProperty(s => s.FlowId, (string?)null)
                .SetProperty(s => s.NextAttemptAt, now).SetProperty(s => s.LeaseUntil, now + TimeSpan.FromMinutes(2)));
        }
        await Dispatch(_second);
        await using (var db = _app.OpenDb(firm.Id))
            (await db.EInvoicingSubmissions.SingleAsync()).State.ShouldBe(SubmissionState.Queued, "the lease still holds it");
        ((TestClock)_app.Clock).Advance(TimeSpan.FromMinutes(3));
        await Dispatch(_second);

        var again = (await WaitForAsync(firm, s => s.Count == 1 && s[0].State == SubmissionState.Accepted)).Single();
        again.FlowId.ShouldBe(sent.FlowId);
        (await FlowsAtThePlatformAsync(invoice.Id)).Count.ShouldBe(1);
    }

    [Fact]
    public async Task A_rejected_invoice_shows_the_rejection_and_its_reason_on_the_staff_page_in_both_languages()
    {
        var (firm, client, clientId) = await AConnectedFirmWithABusinessClientAsync();
        await PlatformControlAsync("scenarios/rejected", new { client_id = clientId, reason = "SIREN acheteur inconnu de l'annuaire" });
        var invoice = await _app.AnInvoice(client).WithLine("Audit", 1, 1200_00, 2000).IssuedAsync();
        await Dispatch(_app);
        await WaitForAsync(firm, s => s.Count == 1 && s[0].State == SubmissionState.Closed);

        using var staff = await _app.SignInAsync(firm.Staff);
        var english = WebUtility.HtmlDecode((await staff.GetPageAsync($"/staff/invoices/{invoice.Id}")).Item2);
        (await staff.GetAsync("/culture/fr?redirectUri=/staff")).StatusCode.ShouldBe(HttpStatusCode.Redirect);
        var french = WebUtility.HtmlDecode((await staff.GetPageAsync($"/staff/invoices/{invoice.Id}")).Item2);

        english.ShouldContain("Rejected: SIREN acheteur inconnu de l'annuaire. The invoice counts as not issued");
        english.ShouldContain("200 Deposited");
        french.ShouldContain("Rejetée : SIREN acheteur inconnu de l'annuaire. La facture est réputée non émise");
        french.ShouldContain("213 Rejetée");
    }

    [Fact]
    public async Task A_credit_note_on_an_issued_invoice_is_submitted_as_its_own_flow_and_shown_on_the_invoice()
    {
        var (firm, client, _) = await AConnectedFirmWithABusinessClientAsync();
        var invoice = await _app.AnInvoice(client).WithLine("Audit", 1, 1200_00, 2000).IssuedAsync();
        await _app.AsStaffOfAsync<Portal.CreditNotes.WriteOffs, Portal.Ledger.MoneyResult>(firm, s => s.WriteOffAsync(invoice.Id, client.Amount(200_00), "Client in liquidation", MoneyChecks.NewKey()));
        await Dispatch(_app);

        var submissions = await WaitForAsync(firm, s => s.Count == 2 && s.All(x => x.State == SubmissionState.Accepted));
        var note = submissions.Single(s => s.Kind == SubmittedDocumentKind.CreditNote);
        note.InvoiceId.ShouldBe(invoice.Id);
        note.DocumentId.ShouldNotBe(invoice.Id);
        (await FlowsAtThePlatformAsync(note.DocumentId)).Count.ShouldBe(1);
        using var staff = await _app.SignInAsync(firm.Staff);
        var page = WebUtility.HtmlDecode((await staff.GetPageAsync($"/staff/invoices/{invoice.Id}")).Item2);
        page.ShouldContain($"Approved platform, {note.DocumentNumber}");
        page.ShouldContain($"Approved platform, {invoice.Number}");
    }

    [Fact]
    public async Task A_buyer_the_directory_does_not_list_is_recorded_as_unreachable_and_nothing_is_sent()
    {
        var (firm, client, _) = await AConnectedFirmWithABusinessClientAsync(siren: "443061841");
        await PlatformControlAsync("directory/unreachable", new { siren = "443061841" });
        var invoice = await _app.AnInvoice(client).WithLine("Audit", 1, 1200_00, 2000).IssuedAsync();
        await Dispatch(_app);

        var submission = (await WaitForAsync(firm, s => s.Count == 1 && s[0].State == SubmissionState.BuyerUnreachable)).Single();
        submission.Problem!.ShouldContain("443061841");
        (await FlowsAtThePlatformAsync(invoice.Id)).ShouldBeEmpty();
        using var staff = await _app.SignInAsync(firm.Staff);
        WebUtility.HtmlDecode((await staff.GetPageAsync($"/staff/invoices/{invoice.Id}")).Item2).ShouldContain("Not sent: the buyer cannot receive e-invoices");
    }

    [Fact]
    public async Task A_consumer_client_or_an_unconnected_firm_gets_no_submission()
    {
        var (firm, business, _) = await AConnectedFirmWithABusinessClientAsync();
        var consumer = await _app.AClientAsync(firm);
        await _app.AsStaffOfAsync<ClientDirectory>(firm, s => s.UpdateAsync(consumer.Id, new ClientInput(consumer.Name, $"c-{consumer.Id:N}@example.test", "EUR", null,
            new ClientLegalDetails(ClientKind.Consumer, Address: "3 rue Basse\n69002 Lyon"))));
        var (unconnected, itsClient) = await _app.AFirmWithAClientAsync();
        await _app.GiveIdentityAsync(unconnected, DocumentFixtures.FrenchIdentity with { Size = CompanySize.LargeOrMidSize });
        await MakeFrenchBusinessAsync(unconnected, itsClient, "552100554");

        await _app.AnInvoice(consumer).WithLine("Tax return", 1, 300_00, 2000).IssuedAsync();
        await _app.AnInvoice(itsClient).WithLine("Audit", 1, 300_00, 2000).IssuedAsync();
        // A draft is not issued: nothing to send yet. The business client's issued invoice is the only one sent.
        await _app.AnInvoice(business).WithLine("Audit", 1, 300_00, 2000).DraftAsync();
        var toBusiness = await _app.AnInvoice(business).WithLine("Audit", 1, 400_00, 2000).IssuedAsync();

        await using var db = _app.OpenDb();
        (await db.EInvoicingSubmissions.IgnoreQueryFilters().Select(s => s.DocumentId).ToListAsync()).ShouldBe([toBusiness.Id]);
    }

    [Fact]
    public async Task A_submission_naming_another_firms_document_is_refused_and_nothing_is_sent()
    {
        // The other firm is not connected: its invoice has no submission of its own.
        var (victim, victimClient) = await _app.AFirmWithAClientAsync();
        await _app.GiveIdentityAsync(victim, DocumentFixtures.FrenchIdentity with { Size = CompanySize.LargeOrMidSize });
        await MakeFrenchBusinessAsync(victim, victimClient, "552100554");
        var victimInvoice = await _app.AnInvoice(victimClient).WithLine("Audit", 1, 900_00, 2000).IssuedAsync();
        var (attacker, _, _) = await AConnectedFirmWithABusinessClientAsync(siren: "443061841");
        await using (var db = _app.OpenDb(attacker.Id))
        {
            db.EInvoicingSubmissions.Add(new EInvoicingSubmission(attacker.Id, SubmittedDocumentKind.Invoice, victimInvoice.Id, victimInvoice.Id, "F-FORGED", _app.Clock.GetUtcNow()));
            await db.SaveChangesAsync();
        }
        await Dispatch(_app);

        var refused = (await WaitForAsync(attacker, s => s.Count == 1 && s[0].State == SubmissionState.Failed)).Single();
        refused.Problem.ShouldBe("The document is not one of this firm's.");
        (await FlowsAtThePlatformAsync(victimInvoice.Id)).ShouldBeEmpty();
    }

    private async Task<(TestFirm Firm, TestClient Client, string PlatformClientId)> AConnectedFirmWithABusinessClientAsync(string siren = "552100554")
    {
        var (firm, client) = await _app.AFirmWithAClientAsync();
        await _app.GiveIdentityAsync(firm, DocumentFixtures.FrenchIdentity with { Size = CompanySize.LargeOrMidSize });
        await MakeFrenchBusinessAsync(firm, client, siren);
        var clientId = PlatformPortalApp.NewClientId();
        await _app.ConnectPlatformAsync(firm, clientId, "a-secret-long-enough-" + Guid.NewGuid().ToString("N"));
        // The platform knows a client once it has asked for a token; scenarios are set per client.
        (await _app.AsStaffOfAsync<PlatformConnections, PlatformConnectionCheck>(firm, c => c.TestAsync())).Succeeded.ShouldBeTrue();
        return (firm, client, clientId);
    }

    private Task MakeFrenchBusinessAsync(TestFirm firm, TestClient client, string siren) =>
        _app.AsStaffOfAsync<ClientDirectory>(firm, s => s.UpdateAsync(client.Id, new ClientInput(client.Name, $"billing-{client.Id:N}@example.test", "EUR", null,
            new ClientLegalDetails(ClientKind.FrenchBusiness, siren, Address: "2 rue Haute\n69001 Lyon"))));

    private static Task Dispatch(PortalApp app) =>
        app.Services.GetServices<IHostedService>().OfType<EInvoicingDispatcher>().Single().RunOnceAsync(CancellationToken.None);

    /// <summary>Waits (on the database, where the outcome shows) until the firm's submissions satisfy <paramref name="done"/>.</summary>
    private async Task<List<EInvoicingSubmission>> WaitForAsync(TestFirm firm, Func<List<EInvoicingSubmission>, bool> done)
    {
        var until = DateTimeOffset.UtcNow + TimeSpan.FromSeconds(30);
        while (true)
        {
            await using (var db = _app.OpenDb(firm.Id))
            {
                var submissions = await db.EInvoicingSubmissions.AsNoTracking().Include(s => s.Statuses).ToListAsync();
                if (done(submissions))
                    return submissions;
                if (DateTimeOffset.UtcNow > until)
                {
                    // Either instance may have been the one to work on it: both logs explain a wait that ran out.
                    var timeout = new TimeoutException("Submissions now: " + string.Join("; ", submissions.Select(s => $"{s.DocumentNumber} {s.State} {s.Problem}")));
                    await _second.ExplainingFailureAsync(() => _app.ExplainingFailureAsync(() => Task.FromException(timeout)));
                }
            }
            await Dispatch(_app);
        }
    }

    private async Task<JsonArray> FlowsAtThePlatformAsync(Guid trackingId)
    {
        using var http = new HttpClient();
        var body = await http.GetFromJsonAsync<JsonObject>(new Uri(_app.BaseUrl, $"sandbox/platform/_control/flows?trackingId={trackingId}"));
        return body!["results"]!.AsArray();
    }

    private async Task PlatformControlAsync(string path, object body)
    {
        using var http = new HttpClient();
        (await http.PostAsJsonAsync(new Uri(_app.BaseUrl, $"sandbox/platform/_control/{path}"), body)).EnsureSuccessStatusCode();
    }
}
