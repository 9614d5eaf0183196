using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Domain;
using Portal.GoCardless;
using Portal.Providers.GoCardless;

namespace Portal.DirectDebit;

/// <summary>A mandate the creditor already has at GoCardless, its customer, and the client account it seems to belong to.</summary>
public sealed record ImportableMandate(
    string MandateId, string CustomerId, string Scheme, Currency? Currency, GoCardlessMandateStatus Status,
    string? CustomerName, string? CustomerEmail, Guid? SuggestedClientAccountId, string? MatchedBy, bool AlreadyImported);

/// <summary>One page of the creditor's mandates; <see cref="NextCursor"/> is null on the last page.</summary>
public sealed record ImportPage(IReadOnlyList<ImportableMandate> Mandates, string? NextCursor);

public sealed record MandateToImport(string MandateId, Guid ClientAccountId);

/// <summary>
/// Brings a firm's existing GoCardless mandates into Portal (Owner/Admin): list them a page at a time with their
/// customers, suggest a client account by billing or contact email, else by company name, and store the chosen ones.
/// </summary>
public sealed class MandateImport(GoCardlessConnector connector, DirectDebitMandates mandates, IDbContextFactory<PortalDbContext> dbFactory)
{
    public async Task<ImportPage> ListAsync(string? after = null, int pageSize = 50, CancellationToken cancellationToken = default)
    {
        var client = await connector.ClientAsync(cancellationToken);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var accounts = await db.ClientAccounts.AsNoTracking().Select(c => new { c.Id, c.Name, c.BillingEmail }).ToListAsync(cancellationToken);
        var contacts = await db.Contacts.AsNoTracking().Select(c => new { c.ClientAccountId, c.Email }).ToListAsync(cancellationToken);
        var imported = (await db.DirectDebitMandates.AsNoTracking().Select(m => m.MandateId).ToListAsync(cancellationToken)).ToHashSet();

        var page = new List<ImportableMandate>();
        string? last = null;
        await foreach (var mandate in client.ListMandatesAsync(paging: new GoCardlessPaging(pageSize, after), cancellationToken: cancellationToken))
        {
            if (page.Count == pageSize)
                return new ImportPage(page, last);
            last = mandate.Id;
            var customer = mandate.Links.Customer is { } customerId ? await client.GetCustomerAsync(customerId, cancellationToken) : null;
            var name = customer?.CompanyName ?? string.Join(' ', new[] { customer?.GivenName, customer?.FamilyName }.Where(n => !string.IsNullOrWhiteSpace(n)));
            Guid? match = null;
            string? matchedBy = null;
            if (customer?.Email is { Length: > 0 } email)
            {
                match = accounts.FirstOrDefault(a => string.Equals(a.BillingEmail, email, StringComparison.OrdinalIgnoreCase))?.Id
                    ?? contacts.FirstOrDefault(c => string.Equals(c.Email, email, StringComparison.OrdinalIgnoreCase))?.ClientAccountId;
                matchedBy = match is null ? null : "email";
            }
            if (match is null && customer?.CompanyName is { Length: > 0 } company)
            {
                match = accounts.FirstOrDefault(a => string.Equals(a.Name.Trim(), company.Trim(), StringComparison.OrdinalIgnoreCase))?.Id;
                matchedBy = match is null ? null : "company name";
            }
            page.Add(new ImportableMandate(mandate.Id, mandate.Links.Customer ?? "", GoCardlessQuery.Name(mandate.Scheme), mandate.Currency, mandate.Status,
                name.Length == 0 ? null : name, customer?.Email, match, matchedBy, imported.Contains(mandate.Id)));
        }
        return new ImportPage(page, null);
    }

    /// <summary>Stores the chosen mandates for their client accounts; returns how many were new.</summary>
    public async Task<int> ImportAsync(IReadOnlyList<MandateToImport> chosen, CancellationToken cancellationToken = default)
    {
        var client = await connector.ClientAsync(cancellationToken);
        var added = 0;
        foreach (var (mandateId, clientAccountId) in chosen)
        {
            if (await mandates.FindAsync(mandateId, cancellationToken) is not null)
                continue;
            var mandate = await client.GetMandateAsync(mandateId, cancellationToken);
            var bank = mandate.Links.CustomerBankAccount is { } bankId ? await client.GetCustomerBankAccountAsync(bankId, cancellationToken) : null;
            await mandates.StoreAsync(clientAccountId, new MandateSummary(mandate.Id, mandate.Links.Customer ?? "", mandate.Scheme, mandate.Currency,
                mandate.Status, mandate.NextPossibleChargeDate, bank?.BankName, bank?.AccountNumberEnding, mandate.Reference), cancellationToken);
            added++;
        }
        return added;
    }
}
