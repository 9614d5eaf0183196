using System.Diagnostics;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Portal.Demo;
using Portal.Invoices.Delivery;
using Portal.Domain.Invoices;
using Portal.Domain.Payments;
using Portal.Tests.Fixture;

namespace Portal.Tests.Browser;

/// <summary>
/// The demo as <c>dotnet run</c> has it: the firm connected to the in-app Stripe and GoCardless sandboxes, webhooks
/// delivered to the app's own endpoints and applied by the background processor; with look-ups journeys share.
/// </summary>
public class DemoSandboxPortalApp : DemoPortalApp
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseSetting("Sandbox:Enabled", "true");
        builder.UseSetting("Webhooks:ProcessInBackground", "true");
    }

    /// <summary>The demo firm with its owner's and staff member's logins.</summary>
    public async Task<TestFirm> DemoFirmAsync()
    {
        await using var db = OpenDb();
        var id = await db.Firms.IgnoreQueryFilters().Where(f => f.Key == "demo").Select(f => f.Id).SingleAsync();
        async Task<TestLogin> LoginAsync(string email) =>
            new(await db.Users.Where(u => u.Email == email).Select(u => u.Id).SingleAsync(), email, DemoData.Password);
        return new TestFirm(id, "demo", await LoginAsync("owner@demo.portal"), await LoginAsync("staff@demo.portal"));
    }

    /// <summary>Staff send the demo invoice <paramref name="number"/>; the pay link in the email the app delivered.</summary>
    public async Task<string> PayLinkForAsync(string number)
    {
        var invoiceId = await InvoiceIdAsync(number);
        // Sent outside any request, as a job would: links are built from the configured address.
        Services.GetRequiredService<IConfiguration>()["Portal:PublicBaseUrl"] = BaseUrl.ToString();
        var sent = await this.AsStaffOfAsync<InvoiceDelivery, DeliveryResult>(await DemoFirmAsync(), d => d.SendAsync(invoiceId));
        return await this.LinkDeliveredToAsync(sent.Recipient!, "/pay/");
    }

    public async Task<Guid> ClientIdAsync(string name)
    {
        await using var db = OpenDb();
        return await db.ClientAccounts.IgnoreQueryFilters().Where(c => c.Name == name).Select(c => c.Id).SingleAsync();
    }

    public async Task<Guid> InvoiceIdAsync(string number)
    {
        await using var db = OpenDb();
        return await db.Invoices.IgnoreQueryFilters().Where(i => i.Number == number).Select(i => i.Id).SingleAsync();
    }

    /// <summary>The number of the client's open invoice that falls due first.</summary>
    public async Task<string> OldestOpenInvoiceAsync(string clientName)
    {
        var clientId = await ClientIdAsync(clientName);
        await using var db = OpenDb();
        return (await db.Invoices.IgnoreQueryFilters()
            .Where(i => i.ClientAccountId == clientId && (i.Status == InvoiceStatus.Open || i.Status == InvoiceStatus.PartiallyPaid))
            .OrderBy(i => i.DueDate).Select(i => i.Number).FirstAsync())!;
    }

    /// <summary>GoCardless's id of the direct debit collecting the invoice, once the app has created it there.</summary>
    public async Task<string> DirectDebitProviderIdAsync(Guid invoiceId)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            await using (var db = OpenDb())
            {
                var paymentIds = await db.PaymentAllocations.IgnoreQueryFilters().Where(a => a.InvoiceId == invoiceId).Select(a => a.PaymentId).ToListAsync();
                var providerId = await db.Payments.IgnoreQueryFilters()
                    .Where(p => paymentIds.Contains(p.Id) && p.Method == PaymentMethod.DirectDebit && p.ProviderPaymentId != null)
                    .Select(p => p.ProviderPaymentId).FirstOrDefaultAsync();
                if (providerId is not null)
                    return providerId;
            }
            if (deadline.Elapsed > TimeSpan.FromSeconds(90))
                throw new TimeoutException($"No direct debit was created at GoCardless for invoice {invoiceId}.");
            // The collection is created by the app's own request after the mandate; the database is where it shows.
            await Task.Delay(100);
        }
    }

    /// <summary>Moves a sandbox GoCardless resource on, as the scenario simulator on GoCardless's dashboard does.</summary>
    public async Task RunGoCardlessScenarioAsync(string scenario, string resourceId)
    {
        using var control = new HttpClient { BaseAddress = new Uri(BaseUrl, "sandbox/gocardless/_control/") };
        (await control.PostAsJsonAsync($"scenarios/{scenario}", new { resource = resourceId })).EnsureSuccessStatusCode();
    }
}
