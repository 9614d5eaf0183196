using Portal.Account;
using Portal.Api;
using Portal.Clients;
using Portal.Collections;
using Portal.Dashboard;
using Portal.Invoices;
using Portal.CreditNotes;
using Portal.Deposits;
using Portal.Imports;
using Portal.Invoices.Delivery;
using Portal.Ledger;
using Portal.Live;
using Portal.Notifications;
using Portal.Payments;
using Portal.Payouts;
using Portal.Wallets;
using Portal.Audit;
using Portal.Books;
using Portal.Components;
using Portal.Data;
using Portal.Demo;
using Portal.CardOnFile;
using Portal.DirectDebit;
using Portal.Documents;
using Portal.EInvoicing;
using Portal.Email;
using Portal.Exports;
using Portal.Firms;
using Portal.GoCardless;
using Portal.Integrations;
using Portal.Localization;
using Portal.Onboarding;
using Portal.Operations;
using Portal.OutgoingWebhooks;
using Portal.PayLinks;
using Portal.Providers.GoCardless;
using Portal.Providers.InAppSandbox;
using Portal.Providers.PayPal;
using Portal.Providers.Stripe;
using Portal.Recurring;
using Portal.Reminders;
using Portal.Security;
using Portal.Statements;
using Portal.Webhooks;
using MudBlazor.Services;

if (args is ["probe", var probedUrl])
{
    Environment.ExitCode = await ReadinessProbe.RunAsync(probedUrl);
    return;
}

var builder = WebApplication.CreateBuilder(args);

builder.AddPortalData();
builder.AddPortalOperations();
builder.Services.AddSingleton(TimeProvider.System);
builder.Services.AddPortalLocalization();
builder.Services.AddPortalAccounts();
builder.Services.AddPortalEmail(builder.Configuration);
builder.Services.AddPortalSecurity();
builder.Services.AddPortalApi();
builder.Services.AddClients();
builder.Services.AddInvoices();
builder.Services.AddCreditNotes();
builder.Services.AddDeposits();
builder.Services.AddImports();
builder.Services.AddInvoiceDelivery();
builder.Services.AddRecurring();
builder.Services.AddPayLinks();
builder.Services.AddReminders();
builder.Services.AddStatementEmails();
builder.Services.AddCollections();
builder.Services.AddDashboards();
builder.Services.AddLedger();
builder.Services.AddBooks();
builder.Services.AddAudit();
builder.Services.AddPayments();
builder.Services.AddWallets();
builder.Services.AddFirms();
builder.Services.AddOnboarding();
builder.Services.AddGoCardless();
builder.Services.AddPayPalPayments();
builder.Services.AddLive(builder.Configuration);
builder.Services.AddIntegrations();
builder.Services.AddWebhooks();
builder.Services.AddOutgoingWebhooks();
builder.Services.AddStripePayments();
builder.Services.AddGoCardlessPayments();
builder.Services.AddPayouts();
builder.Services.AddDirectDebit();
builder.Services.AddCardOnFile();
builder.Services.AddDocuments();
builder.Services.AddEInvoicing();
builder.Services.AddNotifications();
builder.AddInAppSandbox();
builder.Services.AddDemoData(builder.Configuration);
builder.Services.AddMudServices();
builder.Services.AddRazorComponents().AddInteractiveServerComponents();
// An idle keep-alive connection would otherwise keep its last request's header strings (the sign-in cookie among
// them) for reuse; browsers keep several such connections open per tab next to the circuit's WebSocket.
builder.WebHost.ConfigureKestrel(kestrel => kestrel.DisableStringReuse = true);

var app = builder.Build();

app.UsePortalOperations();
if (!app.Environment.IsDevelopment())
    app.UseExceptionHandler("/Error", createScopeForErrors: true);
app.UsePortalSecurityHeaders();
app.UseStatusCodePagesWithReExecute("/not-found", createScopeForStatusCodePages: true);
app.UseRequestLocalization();
app.UseAuthentication();
app.UseApiKeys();
app.UseFirmLogScope();
app.UseRateLimiter();
app.UseAuthorization();
app.UseAntiforgery();

app.MapStaticAssets();
app.MapRazorComponents<App>().AddInteractiveServerRenderMode();
app.MapAccountEndpoints();
app.MapPortalApi();
app.MapPayLinks();
app.MapCultureSwitch();
app.MapBooksExports();
app.MapCollectionsExport();
app.MapCsvExports();
app.MapDocumentDownloads();
app.MapEInvoicing();
app.MapHub<LiveHub>("/hubs/live");
app.MapStripeWebhooks();
app.MapGoCardlessWebhooks();
app.MapPayPalWebhooks();
app.MapInAppSandbox();
app.MapPortalHealth();

await app.MigratePortalDatabaseAsync();
await app.SeedDemoDataAsync();

app.Run();

public partial class Program;
