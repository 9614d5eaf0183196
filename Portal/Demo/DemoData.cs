using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Portal.Account;
using Portal.Data;
using Portal.Domain;
using Portal.Domain.Clients;
using Portal.Domain.Firms;
using Portal.Domain.Invoices;
using Portal.Domain.Ledger;
using Portal.Domain.Payments;
using Portal.Integrations;
using Portal.Invoices;
using Portal.Payments;
using Portal.Providers.InAppSandbox;
using Portal.Tenancy;

namespace Portal.Demo;

public sealed class DemoOptions
{
    /// <summary>The setting that lets a Production deployment run as a public demo: the sandbox and the demo firm.</summary>
    public const string PublicDemoSetting = "Demo:PublicDemo";

    /// <summary>Seed the demo firm when the database has no firm yet (never in Production, unless <see cref="PublicDemo"/>).</summary>
    public bool Seed { get; set; } = true;

    /// <summary>This deployment is a public demo: the only way the sandbox and the demo firm, whose logins are published, run in Production.</summary>
    public bool PublicDemo { get; set; }
}

/// <summary>The demo firm a newcomer signs in to. Its logins are printed at start-up and listed in the README.</summary>
public static class DemoData
{
    public const string FirmKey = "demo";
    public const string Password = "Portal-demo-2026";

    /// <summary>The demo firm's key for the in-app Stripe sandbox; it opens an emulated account and moves no money.</summary>
    public const string SandboxStripeKey = "sk_test_portal_demo_sandbox_4242";

    /// <summary>The demo firm's access token for the in-app GoCardless sandbox.</summary>
    public const string SandboxGoCardlessToken = "sandbox_portal_demo_creditor_0001";

    /// <summary>The demo firm's REST app in the in-app PayPal sandbox, and the id of its webhook there.</summary>
    public const string SandboxPayPalClientId = "sandbox_portal_demo_paypal_app";
    public const string SandboxPayPalSecret = "sandbox_portal_demo_paypal_secret_0001";
    public const string SandboxPayPalWebhookId = "WHPORTALDEMOPAYPAL01";

    /// <summary>The demo firm's OAuth2 client at the in-app approved e-invoicing platform.</summary>
    public const string SandboxPlatformClientId = "sandbox_portal_demo_firm";

    public const string SandboxPlatformClientSecret = "sandbox_platform_demo_secret_0001";

    public static readonly (string Email, string Name, string Role)[] StaffLogins =
    [
        ("owner@demo.portal", "Olivia Owner", Roles.Owner),
        ("staff@demo.portal", "Sam Staff", Roles.Staff),
    ];

    public static readonly (string Client, string Currency, string ContactEmail, string ContactName)[] Clients =
    [
        ("Northwind Traders", "EUR", "anna@northwind.example", "Anna Lindqvist"),
        ("Blue River Studio", "GBP", "ben@blueriver.example", "Ben Carter"),
        ("Maison Dupont", "EUR", "chloe@maison-dupont.example", "Chloé Dupont"),
    ];

    public static IServiceCollection AddDemoData(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<DemoOptions>(configuration.GetSection("Demo"));
        return services;
    }

    public static async Task SeedDemoDataAsync(this WebApplication app)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var services = scope.ServiceProvider;
        await AccountSetup.EnsureRolesAsync(services);
        var options = services.GetRequiredService<Microsoft.Extensions.Options.IOptions<DemoOptions>>().Value;
        var db = services.GetRequiredService<PortalDbContext>();
        if (!options.Seed || await db.Firms.IgnoreQueryFilters().AnyAsync())
            return;
        if (app.Environment.IsProduction() && !options.PublicDemo)
        {
            // Its logins are printed and published: a real deployment must never be born with them.
            app.Logger.LogInformation("Demo data is not seeded in Production unless {Setting} is true.", DemoOptions.PublicDemoSetting);
            return;
        }

        var firmId = await SeedAsync(db, services.GetRequiredService<UserManager<PortalUser>>(), services.GetRequiredService<TimeProvider>());
        await SeedPaymentsAsync(services, firmId);
        await SeedRecurringAsync(services, firmId);
        if (services.GetRequiredService<InAppSandbox>().Enabled)
        {
            await ConnectSandboxStripeAsync(db, services.GetRequiredService<ProviderSecrets>(), app.Configuration, services.GetRequiredService<TimeProvider>());
            await ConnectSandboxGoCardlessAsync(db, services.GetRequiredService<ProviderSecrets>(), app.Configuration, services.GetRequiredService<TimeProvider>());
            await ConnectSandboxPayPalAsync(db, services.GetRequiredService<ProviderSecrets>(), services.GetRequiredService<TimeProvider>());
            // The platform connection names the emulator's address, known only once the app listens.
            app.Lifetime.ApplicationStarted.Register(() => _ = ConnectSandboxPlatformAsync(app, firmId));
        }
        app.Lifetime.ApplicationStarted.Register(() => PrintLogins(app));
    }

    private static async Task<Guid> SeedAsync(PortalDbContext db, UserManager<PortalUser> users, TimeProvider clock)
    {
        var now = clock.GetUtcNow();
        var firm = new Firm(FirmKey, "Demo Accounting & Co", Currency.EUR, now);
        var today = firm.LocalToday(now);
        firm.Brand("#2E5E4E", null);
        db.Firms.Add(firm);
        var creditNotes = new CreditNoteSequence(firm.Id);
        db.CreditNoteSequences.Add(creditNotes);

        foreach (var (email, name, role) in StaffLogins)
            await CreateUserAsync(users, new PortalUser { UserName = email, Email = email, EmailConfirmed = true, DisplayName = name, FirmId = firm.Id }, role);

        var random = new Random(2026);
        var descriptions = new[] { "Monthly bookkeeping", "Payroll processing", "VAT return", "Annual accounts", "Advisory meeting", "Tax planning session", "Company secretarial" };
        foreach (var (clientName, currencyCode, contactEmail, contactName) in Clients)
        {
            var client = new ClientAccount(firm.Id, clientName, $"accounts@{contactEmail.Split('@')[1]}", Currency.FromCode(currencyCode), now);
            var contact = client.AddContact(contactName, contactEmail);
            db.ClientAccounts.Add(client);
            var user = new PortalUser { UserName = contactEmail, Email = contactEmail, EmailConfirmed = true, DisplayName = contactName, FirmId = firm.Id, ClientAccountId = client.Id };
            await CreateUserAsync(users, user, Roles.Client);
            contact.LinkUser(user.Id);

            // A spread of states: drafts, open, overdue and void, at various ages.
            var invoiceCount = currencyCode == "GBP" ? 6 : 7;
            for (var i = 0; i < invoiceCount; i++)
            {
                var issued = today.AddDays(-75 + i * 12);
                var invoice = new Invoice(client, client.Currency, issued, issued.AddDays(30), now);
                var lineCount = 1 + random.Next(3);
                invoice.ReplaceLines(Enumerable.Range(0, lineCount).Select(_ => new InvoiceLineInput(
                    descriptions[random.Next(descriptions.Length)], 1 + random.Next(4), 5_000 + random.Next(40) * 2_500, 2000)).ToList());
                db.Invoices.Add(invoice);
                if (i == invoiceCount - 1)
                    continue; // the newest stays a draft
                db.LedgerTransactions.Add(InvoiceBooking.Issue(invoice, firm, client, Invoicing.IssueKey(invoice.Id), now));
                if (i == 1)
                {
                    var voided = InvoiceBooking.VoidWithCreditNote(invoice, creditNotes, "Issued to the wrong entity; reissued.", Invoicing.VoidKey(invoice.Id), now, firm.Calendar);
                    db.LedgerTransactions.Add(voided.Transaction);
                    db.CreditNotes.Add(voided.CreditNote);
                }
            }
        }
        await db.SaveChangesAsync();
        return firm.Id;
    }

    /// <summary>
    /// Money already moving, through the same services staff use: a transfer paying Northwind's oldest invoices,
    /// a prepayment kept as Northwind's credit, and a cheque paying part of one of Blue River's invoices.
    /// </summary>
    private static async Task SeedPaymentsAsync(IServiceProvider services, Guid firmId)
    {
        services.GetRequiredService<TenantContext>().ActFor(firmId);
        var db = services.GetRequiredService<PortalDbContext>();
        var clients = await db.ClientAccounts.IgnoreQueryFilters().Where(c => c.FirmId == firmId).ToDictionaryAsync(c => c.Name);
        var recorder = services.GetRequiredService<ManualPaymentRecorder>();
        var northwind = clients[Clients[0].Client];
        await recorder.RecordAsync(new ManualPaymentRequest(northwind.Id, PaymentMethod.BankTransfer, new Money(1_500_00, northwind.Currency), null,
            SurplusToCredit: false, "SEPA transfer NW-2291", "demo-northwind-transfer"));
        await recorder.RecordAsync(new ManualPaymentRequest(northwind.Id, PaymentMethod.BankTransfer, new Money(750_00, northwind.Currency), [],
            SurplusToCredit: true, "Prepayment for next quarter", "demo-northwind-prepayment"));
        var blueRiver = clients[Clients[1].Client];
        var oldestOpen = await db.Invoices.IgnoreQueryFilters()
            .Where(i => i.ClientAccountId == blueRiver.Id && i.Status == InvoiceStatus.Open).OrderBy(i => i.DueDate).FirstAsync();
        await recorder.RecordAsync(new ManualPaymentRequest(blueRiver.Id, PaymentMethod.Cheque, new Money(200_00, blueRiver.Currency),
            [new InvoiceAmount(oldestOpen.Id, new Money(200_00, blueRiver.Currency))], SurplusToCredit: false, "Cheque 004512", "demo-blueriver-cheque"));
    }

    /// <summary>
    /// Northwind's monthly bookkeeping, as a schedule starting the month after next: the list and the schedule page
    /// show it with its next dates, and no invoice is made until a newcomer has looked around.
    /// </summary>
    private static async Task SeedRecurringAsync(IServiceProvider services, Guid firmId)
    {
        services.GetRequiredService<TenantContext>().ActFor(firmId);
        var db = services.GetRequiredService<PortalDbContext>();
        var northwind = await db.ClientAccounts.IgnoreQueryFilters().SingleAsync(c => c.FirmId == firmId && c.Name == Clients[0].Client);
        var today = new BusinessCalendar(Firm.DefaultTimeZone).DayOf(services.GetRequiredService<TimeProvider>().GetUtcNow());
        var start = new DateOnly(today.Year, today.Month, 1).AddMonths(2);
        await services.GetRequiredService<Portal.Recurring.RecurringSchedules>().CreateAsync(new Portal.Recurring.ScheduleInput(
            northwind.Id, northwind.Currency.Code, "Monthly bookkeeping", [new InvoiceLineInput("Monthly bookkeeping", 1, 450_00, 2000)],
            Portal.Domain.Recurring.RecurrenceInterval.Monthly, 1, 1, start, null, null, IssueDaysBefore: 0, DueDays: 30, AutoSend: true, AutoCollect: false));
    }

    // The signing secret is fixed in configuration (appsettings.json), so anyone can sign a demo event by hand;
    // without one, the emulator makes one up when the webhook is registered.
    private static async Task ConnectSandboxStripeAsync(PortalDbContext db, ProviderSecrets secrets, IConfiguration configuration, TimeProvider clock)
    {
        var firm = await db.Firms.IgnoreQueryFilters().SingleAsync(f => f.Key == FirmKey);
        var connection = new ProviderConnection(firm.Id, PaymentProvider.Stripe, clock.GetUtcNow());
        var webhookSecret = configuration["Sandbox:Stripe:WebhookSecret"] is { Length: > 0 } configured ? secrets.Protect(PaymentProvider.Stripe, configured) : new ProtectedSecret("", "");
        connection.SetCredentials(ProviderMode.Sandbox, "pk_test_portal_demo_sandbox_4242", secrets.Protect(PaymentProvider.Stripe, SandboxStripeKey), webhookSecret, clock.GetUtcNow());
        db.ProviderConnections.Add(connection);
        await db.SaveChangesAsync();
    }

    // GoCardless has no API to register a webhook endpoint: the in-app emulator is told where to send the demo
    // creditor's webhooks, and with which secret, once the app listens. The secret is fixed in configuration
    // (appsettings.json) so a hand-signed event or a published test vector can be tried against the demo.
    private static async Task ConnectSandboxGoCardlessAsync(PortalDbContext db, ProviderSecrets secrets, IConfiguration configuration, TimeProvider clock)
    {
        var firm = await db.Firms.IgnoreQueryFilters().SingleAsync(f => f.Key == FirmKey);
        var connection = new ProviderConnection(firm.Id, PaymentProvider.GoCardless, clock.GetUtcNow());
        var webhookSecret = configuration["Sandbox:GoCardless:WebhookSecret"] is { Length: > 0 } configured
            ? configured
            : "gc_sandbox_" + Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16));
        connection.SetCredentials(ProviderMode.Sandbox, null, secrets.Protect(PaymentProvider.GoCardless, SandboxGoCardlessToken), secrets.Protect(PaymentProvider.GoCardless, webhookSecret), clock.GetUtcNow());
        db.ProviderConnections.Add(connection);
        await db.SaveChangesAsync();
    }

    // PayPal's webhook is registered in its dashboard, not through the API: the in-app emulator is told where to
    // send the demo app's events once the app listens (SandboxWebhookRegistration).
    private static async Task ConnectSandboxPayPalAsync(PortalDbContext db, ProviderSecrets secrets, TimeProvider clock)
    {
        var firm = await db.Firms.IgnoreQueryFilters().SingleAsync(f => f.Key == FirmKey);
        var connection = new ProviderConnection(firm.Id, PaymentProvider.PayPal, clock.GetUtcNow());
        connection.SetCredentials(ProviderMode.Sandbox, SandboxPayPalClientId, secrets.Protect(PaymentProvider.PayPal, SandboxPayPalSecret),
            secrets.Protect(PaymentProvider.PayPal, SandboxPayPalWebhookId), clock.GetUtcNow());
        db.ProviderConnections.Add(connection);
        await db.SaveChangesAsync();
    }

    private static async Task ConnectSandboxPlatformAsync(WebApplication app, Guid firmId)
    {
        try
        {
            await using var scope = app.Services.CreateAsyncScope();
            var services = scope.ServiceProvider;
            var db = services.GetRequiredService<PortalDbContext>();
            var clock = services.GetRequiredService<TimeProvider>();
            var secret = services.GetRequiredService<Portal.EInvoicing.PlatformConnections>().Protect(SandboxPlatformClientSecret);
            var connection = new Portal.EInvoicing.PlatformConnection(firmId, clock.GetUtcNow());
            connection.SetCredentials(services.GetRequiredService<InAppSandbox>().PlatformApiBase.ToString(), SandboxPlatformClientId, secret, clock.GetUtcNow());
            db.PlatformConnections.Add(connection);
            await db.SaveChangesAsync();
        }
        catch (Exception error)
        {
            app.Logger.LogError(error, "Could not connect the demo firm to the in-app e-invoicing platform.");
        }
    }

    private static async Task CreateUserAsync(UserManager<PortalUser> users, PortalUser user, string role)
    {
        var created = await users.CreateAsync(user, Password);
        if (!created.Succeeded)
            throw new InvalidOperationException("Could not create demo user: " + string.Join("; ", created.Errors.Select(e => e.Description)));
        await users.AddToRoleAsync(user, role);
    }

    private static void PrintLogins(WebApplication app)
    {
        var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
        var lines = new List<string> { "", "Portal is running with demo data.", $"  Open: {string.Join(", ", addresses)}", $"  Password for every demo login: {Password}" };
        lines.AddRange(StaffLogins.Select(s => $"  {s.Role,-7} {s.Email}"));
        lines.AddRange(Clients.Select(c => $"  Client  {c.ContactEmail}  ({c.Client}, {c.Currency})"));
        lines.Add("");
        Console.WriteLine(string.Join(Environment.NewLine, lines));
    }
}
