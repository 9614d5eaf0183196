using Microsoft.EntityFrameworkCore;
using Portal.Account;
using Portal.Data;
using Portal.Documents;
using Portal.Domain;
using Portal.Domain.Clients;
using Portal.Domain.Firms;
using Portal.Domain.Payments;
using Portal.Email;
using Portal.Email.Templates;
using Portal.Ledger;
using Portal.Reminders;
using Portal.Tenancy;

namespace Portal.Statements;

/// <summary>
/// Statements of account by email for the firm the scope acts for, with the statement's PDF attached (drawn when the
/// email is sent) and a link that pays the balance: on demand by staff, and at the start of each month, for the month
/// before, to the clients who asked for it. The monthly email's key is the client, currency and month, so two
/// instances or a sweep run twice send it once; staff's is the click that asked for it.
/// </summary>
public sealed class StatementEmails(IDbContextFactory<PortalDbContext> dbFactory, StatementOfAccount statements, EmailTemplates templates, Mailer mailer,
    TimeProvider clock, AccountLinks links, PayLinks.PayLinks payLinks)
{
    /// <summary>Days into the month last month's statements still go out, for a portal that was down on the first.</summary>
    public const int CatchUpDays = 3;

    public static string MonthlyKey(Guid clientAccountId, Currency currency, DateOnly month) =>
        $"statement:{clientAccountId:N}:{currency.Code}:{month:yyyy-MM}";

    /// <summary>
    /// Staff's "email this statement": queued now, once per <paramref name="requestKey"/> (a button pressed twice sends
    /// one email). Refused with the reason when the client has no address to send it to.
    /// </summary>
    public async Task SendNowAsync(StatementRequest request, string requestKey, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var client = await db.ClientAccounts.AsNoTracking().SingleOrDefaultAsync(c => c.Id == request.ClientAccountId, cancellationToken)
            ?? throw new NotFoundException("client");
        if (client.InvoiceEmailRecipient is null)
            throw new DomainException("This client has no billing email to send a statement to.");
        var statement = await statements.ForClientAsync(request.ClientAccountId, request.Currency, request.From, request.To, cancellationToken);
        await QueueAsync(db, client, request, statement.Closing, $"statement:{request.ClientAccountId:N}:{request.Period.Replace(' ', ':')}:{requestKey}", cancellationToken);
    }

    /// <summary>
    /// Last month's statement for each client who gets one monthly, when the firm's local date is in the first
    /// <see cref="CatchUpDays"/> days of a month. A client with neither movements nor a balance gets none. Returns how
    /// many this call queued.
    /// </summary>
    public async Task<int> SendMonthlyAsync(CancellationToken cancellationToken = default)
    {
        List<ClientAccount> clients;
        DateOnly month;
        HashSet<string> sent;
        await using (var db = await dbFactory.CreateDbContextAsync(cancellationToken))
        {
            var firm = await db.Firms.AsNoTracking().SingleAsync(cancellationToken);
            var today = firm.LocalToday(clock.GetUtcNow());
            if (today.Day > CatchUpDays)
                return 0;
            month = new DateOnly(today.Year, today.Month, 1).AddMonths(-1);
            clients = await db.ClientAccounts.AsNoTracking().Where(c => c.MonthlyStatements).ToListAsync(cancellationToken);
            var keys = clients.Select(c => MonthlyKey(c.Id, c.Currency, month)).ToList();
            sent = (await db.Set<EmailMessage>().Where(e => keys.Contains(e.IdempotencyKey!)).Select(e => e.IdempotencyKey!).ToListAsync(cancellationToken)).ToHashSet();
        }
        var queued = 0;
        foreach (var client in clients.Where(c => c.InvoiceEmailRecipient is not null && !sent.Contains(MonthlyKey(c.Id, c.Currency, month))))
        {
            var request = new StatementRequest(client.Id, client.Currency, month, month.AddMonths(1).AddDays(-1));
            var statement = await statements.ForClientAsync(request.ClientAccountId, request.Currency, request.From, request.To, cancellationToken);
            if (statement.Entries.Count == 0 && statement.Closing.IsZero)
                continue;
            await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
            if (await QueueAsync(db, client, request, statement.Closing, MonthlyKey(client.Id, client.Currency, month), cancellationToken))
                queued++;
        }
        return queued;
    }

    private async Task<bool> QueueAsync(PortalDbContext db, ClientAccount client, StatementRequest request, Money closing, string key, CancellationToken cancellationToken)
    {
        var firm = await db.Firms.AsNoTracking().SingleAsync(f => f.Id == client.FirmId, cancellationToken);
        var to = client.InvoiceEmailRecipient!;
        var language = await ReminderSender.LanguageOfAsync(db, client.Id, to, cancellationToken);
        var culture = EmailTemplates.CultureOf(language ?? "en");
        // The balance can be paid online only where card payments are offered and connected.
        var payable = firm.Policy.MethodsAllowed.HasFlag(PaymentMethods.Card)
            && await db.ProviderConnections.AnyAsync(c => c.Provider == PaymentProvider.Stripe, cancellationToken);
        // Where the balance cannot be paid online, the email says how to pay it by transfer, with an EPC QR code for EUR
        // that a banking app turns into the filled-in transfer.
        var byTransfer = !payable && closing.IsPositive ? firm.Iban : null;
        var reference = $"{client.Name} {request.To:yyyy-MM-dd}";
        var qrCode = byTransfer is null ? null : EpcPayload.For(firm.LegalName ?? firm.Name, firm.Iban, firm.Bic, closing, reference);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var payLink = payable ? Link("portal/pay?select=all") : null;
        if (payable && closing.IsPositive && firm.GuestPayAllowed)
        {
            // Where guests may pay, the link needs no sign-in: a pay link over the client's open invoices in the
            // statement's currency, stored in the email by reference like an invoice's own link.
            var (token, linkId) = payLinks.IssueForClient(db, client, request.Currency, PayLinks.PayLinkScope.OpenInvoices, to, Guid.Empty);
            await db.SaveChangesAsync(cancellationToken);
            payLink = PayLinks.PayLinkMail.StoredUrl(Link($"pay/{token}"), linkId);
        }
        var model = new EmailModel().Firm(firm.Name).Client(client.Name)
            .Statement(request.From, request.To, closing, payLink).PortalLink(Link("portal"))
            .Transfer(byTransfer, firm.Bic, reference, withQrCode: qrCode is not null);
        var email = await templates.RenderAsync(db, firm.Id, EmailTemplateKind.Statement, culture, model, cancellationToken);
        var message = new EmailMessage(firm.Id, to, email.Subject, email.Text, email.Html, clock.GetUtcNow(), key).AttachStatement(request, culture.Name).WithQrCode(qrCode);
        var queued = await mailer.QueueOnceAsync(db, message, cancellationToken);
        // Already sent: the link made for this copy goes with it, unsaved.
        if (!queued)
            return false;
        await transaction.CommitAsync(cancellationToken);
        mailer.Flush();
        return queued;
    }

    private string Link(string path) => links.ToFromAnywhere(path);
}

/// <summary>Every firm's monthly statements, each firm through a scope acting for it; run by the hourly sweep.</summary>
public sealed class MonthlyStatements(IServiceScopeFactory scopes, ILogger<MonthlyStatements> logger)
{
    public async Task<int> SendAsync(CancellationToken cancellationToken = default)
    {
        List<Guid> firmIds;
        await using (var scope = scopes.CreateAsyncScope())
            firmIds = await scope.ServiceProvider.GetRequiredService<PortalDbContext>().ClientAccounts.IgnoreQueryFilters()
                .Where(c => c.MonthlyStatements).Select(c => c.FirmId).Distinct().ToListAsync(cancellationToken);
        var queued = 0;
        foreach (var firmId in firmIds)
        {
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                scope.ServiceProvider.GetRequiredService<TenantContext>().ActFor(firmId);
                queued += await scope.ServiceProvider.GetRequiredService<StatementEmails>().SendMonthlyAsync(cancellationToken);
            }
            catch (Exception error) when (error is not OperationCanceledException)
            {
                // One firm's trouble does not hold the others' statements; the keys let the next sweep finish it.
                logger.LogError(error, "Monthly statements of firm {FirmId} failed; the next sweep tries again.", firmId);
            }
        }
        return queued;
    }
}

public static class StatementsSetup
{
    public static IServiceCollection AddStatementEmails(this IServiceCollection services) =>
        services.AddScoped<StatementEmails>().AddSingleton<MonthlyStatements>();
}
