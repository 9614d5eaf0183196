using System.Net;
using System.Reflection;
using Microsoft.AspNetCore.Components;
using Microsoft.EntityFrameworkCore;
using Portal.Domain;
using Portal.Domain.Invoices;
using Portal.Domain.Ledger;
using Portal.Domain.Payments;
using Portal.Ledger;
using Portal.Payments;
using Portal.Tests.Fixture;

namespace Portal.Tests.Tenancy;

/// <summary>
/// Requests every page that takes an id with another firm's ids, and with another client's ids, and expects
/// "not found" with nothing of the other tenant in the answer. New pages with ids are picked up by reflection:
/// a route this sweep does not know how to fill fails the test until it is added here.
/// </summary>
public sealed class TenantIsolationTests(PortalApp app) : IClassFixture<PortalApp>, IAsyncLifetime
{
    public Task InitializeAsync() => app.ResetAsync();
    public Task DisposeAsync() => Task.CompletedTask;

    private sealed record OtherTenant(Guid ClientId, Guid InvoiceId, Guid DraftId, Guid PaymentId, Guid ScheduleId, Guid WebhookEndpointId, Guid PayoutId, string Secret);

    private static IEnumerable<string> RoutesWithIds() =>
        typeof(Program).Assembly.GetTypes()
            .SelectMany(t => t.GetCustomAttributes<RouteAttribute>())
            .Select(r => r.Template)
            // Pages addressed by a row id; token pages (invitations, sign-in links) are anonymous by design.
            .Where(t => t.Contains("{Id:guid}", StringComparison.Ordinal));

    private static string Fill(string template, OtherTenant other)
    {
        var id = template switch
        {
            _ when template.StartsWith("/staff/clients/", StringComparison.Ordinal) => other.ClientId,
            _ when template.StartsWith("/staff/invoices/", StringComparison.Ordinal) && template.EndsWith("/edit", StringComparison.Ordinal) => other.DraftId,
            _ when template.StartsWith("/staff/invoices/", StringComparison.Ordinal) => other.InvoiceId,
            _ when template.StartsWith("/staff/payments/", StringComparison.Ordinal) => other.PaymentId,
            _ when template.StartsWith("/portal/invoices/", StringComparison.Ordinal) => other.InvoiceId,
            _ when template.StartsWith("/portal/payments/", StringComparison.Ordinal) => other.PaymentId,
            _ when template.StartsWith("/portal/paypal/return/", StringComparison.Ordinal) => other.PaymentId,
            _ when template.StartsWith("/staff/recurring/", StringComparison.Ordinal) => other.ScheduleId,
            _ when template.StartsWith("/staff/settings/webhook-endpoints/", StringComparison.Ordinal) => other.WebhookEndpointId,
            // Not a transaction of this tenant either way; BooksAccessTests reads another firm's real transaction.
            _ when template.StartsWith("/books/transactions/", StringComparison.Ordinal) => other.InvoiceId,
            _ when template.StartsWith("/books/payouts/", StringComparison.Ordinal) => other.PayoutId,
            _ => throw new InvalidOperationException($"The tenant sweep does not know how to fill {template}: add it."),
        };
        return template.Replace("{Id:guid}", id.ToString(), StringComparison.Ordinal);
    }

    private async Task<OtherTenant> AnotherFirmWithDataAsync()
    {
        var other = await app.AFirmAsync();
        var secret = $"Secret {Guid.NewGuid():N}"[..20];
        var client = await app.AClientAsync(other, name: secret);
        var invoice = await app.AnInvoice(client).WithLine(secret, 1, 999_00).IssuedAsync();
        var draft = await app.AnInvoice(client).WithLine(secret, 1, 5_00).DraftAsync();
        var payment = await app.AsProviderForAsync<ProviderPayments, MoneyResult>(other, p => p.InitiateAsync(new(client.Id, PaymentMethod.Card, PaymentProvider.Stripe,
            [new InvoiceAmount(invoice.Id, new Money(999_00, client.Currency))], null, MoneyChecks.NewKey())));
        var today = app.Today;
        var schedule = await app.AsStaffOfAsync<Portal.Recurring.RecurringSchedules, Guid>(other, r => r.CreateAsync(new Portal.Recurring.ScheduleInput(
            client.Id, client.Currency.Code, secret, [new Portal.Domain.Invoices.InvoiceLineInput(secret, 1, 100_00, 0)],
            Portal.Domain.Recurring.RecurrenceInterval.Monthly, 1, 1, new DateOnly(today.Year, today.Month, 1).AddMonths(2), null, null, 0, 30, false, false)));
        // Saved as the owner's page would, minus the address check (no DNS here); its description is the secret.
        var endpoint = new Portal.Domain.OutgoingWebhooks.WebhookEndpoint(other.Id, new Uri("https://hooks.example.com/portal"), secret,
            [Portal.Domain.OutgoingWebhooks.OutgoingEventTypes.InvoicePaid], "protected", "whsec_…", app.Clock.GetUtcNow());
        await using (var db = app.OpenDb(other.Id))
        {
            db.WebhookEndpoints.Add(endpoint);
            await db.SaveChangesAsync();
        }
        var payout = await app.AsProviderForAsync<Portal.Payouts.ProviderPayouts, MoneyResult>(other, p => p.RecordAsync(new Portal.Payouts.PayoutReport(
            PaymentProvider.Stripe, "po_" + secret.Replace(" ", "", StringComparison.Ordinal), Portal.Domain.Payouts.PayoutStatus.Paid, new Money(999_00, client.Currency), null, [])));
        return new OtherTenant(client.Id, invoice.Id, draft.Id, payment.Id!.Value, schedule, endpoint.Id, payout.Id!.Value, secret);
    }

    [Fact]
    public async Task Staff_of_one_firm_get_not_found_for_every_page_with_another_firms_ids()
    {
        var other = await AnotherFirmWithDataAsync();
        var firm = await app.AFirmAsync();
        using var staff = await app.SignInAsync(firm.Owner);

        var routes = RoutesWithIds().ToList();
        routes.ShouldNotBeEmpty();
        foreach (var route in routes.Where(r => r.StartsWith("/staff", StringComparison.Ordinal)))
        {
            var (status, html) = await staff.GetPageAsync(Fill(route, other));
            status.ShouldBe(HttpStatusCode.NotFound, route);
            html.ShouldNotContain(other.Secret, Case.Sensitive, route);
        }
    }

    [Fact]
    public async Task A_client_contact_gets_not_found_for_another_clients_invoice_in_the_same_firm()
    {
        var firm = await app.AFirmAsync();
        var mine = await app.AClientAsync(firm);
        var neighbour = await app.AClientAsync(firm, name: "Neighbour Ltd");
        var theirs = await app.AnInvoice(neighbour).WithLine("Neighbour secret work", 1, 777_00).IssuedAsync();
        using var contact = await app.SignInAsync(mine.Contact);

        var (status, html) = await contact.GetPageAsync($"/portal/invoices/{theirs.Id}");
        status.ShouldBe(HttpStatusCode.NotFound);
        html.ShouldNotContain("Neighbour secret work");

        var (_, list) = await contact.GetPageAsync("/portal/invoices");
        list.ShouldNotContain(theirs.Number!);
    }

    [Fact]
    public async Task Client_pages_with_another_firms_ids_are_not_found()
    {
        var other = await AnotherFirmWithDataAsync();
        var firm = await app.AFirmAsync();
        var client = await app.AClientAsync(firm);
        using var contact = await app.SignInAsync(client.Contact);
        // PayPal's return is an endpoint, not a page: reflection over pages does not find it.
        foreach (var route in RoutesWithIds().Where(r => r.StartsWith("/portal", StringComparison.Ordinal)).Append("/portal/paypal/return/{Id:guid}"))
        {
            var (status, html) = await contact.GetPageAsync(Fill(route, other));
            status.ShouldBe(HttpStatusCode.NotFound, route);
            html.ShouldNotContain(other.Secret, Case.Sensitive, route);
        }
    }

    [Fact]
    public async Task A_client_never_sees_drafts()
    {
        var firm = await app.AFirmAsync();
        var client = await app.AClientAsync(firm);
        var draft = await app.AnInvoice(client).WithLine("Unfinished draft work", 1, 10_00).DraftAsync();
        using var contact = await app.SignInAsync(client.Contact);
        var (status, html) = await contact.GetPageAsync($"/portal/invoices/{draft.Id}");
        status.ShouldBe(HttpStatusCode.NotFound);
        html.ShouldNotContain("Unfinished draft work");
        await using var db = app.OpenDb(firm.Id);
        (await db.Invoices.SingleAsync()).Status.ShouldBe(InvoiceStatus.Draft);
    }

    [Fact]
    public async Task Anonymous_visitors_are_sent_to_sign_in_from_every_page()
    {
        var other = await AnotherFirmWithDataAsync();
        using var anonymous = app.AnonymousSession();
        foreach (var route in RoutesWithIds().Concat(["/staff", "/staff/invoices", "/staff/clients", "/portal", "/portal/invoices", "/staff/settings", "/staff/emails", "/staff/settings/payments", "/staff/audit", "/portal/statement"]))
        {
            var path = route.Contains('{') ? Fill(route, other) : route;
            var response = await anonymous.GetAsync(path);
            response.StatusCode.ShouldBe(HttpStatusCode.Redirect, path);
            response.Headers.Location!.ToString().ShouldContain("Account/Login", Case.Sensitive, path);
        }
    }
}
