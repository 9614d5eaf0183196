using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Domain;
using Portal.Domain.Firms;
using Portal.Domain.Invoices;
using Portal.Tenancy;

namespace Portal.Wallets;

/// <summary>
/// Uses clients' credit on their invoices by themselves, for firms whose payment policy says so: as soon as an
/// invoice is issued (<see cref="CreditAutoApply.OnIssue"/>: at issue, and on each sweep for credit that arrives later)
/// or once it falls due in the firm's time zone (<see cref="CreditAutoApply.OnDueDate"/>). Oldest due first, never more
/// than the credit or what can still be paid (a collection in flight is left to finish).
/// The operation's key names the invoice and what could be paid on it when read, so two instances sweeping at once
/// book one use, and a later top-up can still pay what is left.
/// </summary>
public sealed class CreditAutoApplication(IServiceScopeFactory scopes, TimeProvider clock, ILogger<CreditAutoApplication> logger)
{
    public static string Key(Invoice invoice) => $"auto-credit:{invoice.Id:N}:{invoice.AmountPayable.Minor}";

    /// <summary>One pass over every firm that uses credit by itself; returns how many invoices credit was used on.</summary>
    public async Task<int> ApplyDueAsync(CancellationToken cancellationToken = default)
    {
        List<Guid> firmIds;
        await using (var scope = scopes.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
            var withCredit = await db.Wallets.IgnoreQueryFilters().Where(w => w.BalanceMinor > 0).Select(w => w.FirmId).Distinct().ToListAsync(cancellationToken);
            var firms = await db.Firms.IgnoreQueryFilters().Where(f => withCredit.Contains(f.Id)).ToListAsync(cancellationToken);
            firmIds = [.. firms.Where(f => f.Policy.CreditAutoApply != CreditAutoApply.Off).Select(f => f.Id)];
        }
        var applied = 0;
        foreach (var firmId in firmIds)
            applied += await ApplyForFirmAsync(firmId, invoiceId: null, cancellationToken);
        return applied;
    }

    /// <summary>Right after an invoice is issued: uses the client's credit on it if the firm's policy is to do so on issue.</summary>
    public async Task<bool> ApplyOnIssueAsync(Guid firmId, Guid invoiceId, CancellationToken cancellationToken = default) =>
        await ApplyForFirmAsync(firmId, invoiceId, cancellationToken) > 0;

    private async Task<int> ApplyForFirmAsync(Guid firmId, Guid? invoiceId, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<TenantContext>().ActFor(firmId);
        var db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
        var firm = await db.Firms.AsNoTracking().SingleAsync(f => f.Id == firmId, cancellationToken);
        if (firm.Policy.CreditAutoApply == CreditAutoApply.Off || (invoiceId is not null && firm.Policy.CreditAutoApply != CreditAutoApply.OnIssue))
            return 0;
        var credit = (await db.Wallets.AsNoTracking().Where(w => w.BalanceMinor > 0).Select(w => new { w.ClientAccountId, w.Currency }).ToListAsync(cancellationToken))
            .Select(w => (w.ClientAccountId, w.Currency)).ToHashSet();
        if (credit.Count == 0)
            return 0;
        var today = firm.LocalToday(clock.GetUtcNow());
        var open = await db.Invoices.AsNoTracking()
            .Where(i => (i.Status == InvoiceStatus.Open || i.Status == InvoiceStatus.PartiallyPaid) && (invoiceId == null || i.Id == invoiceId))
            .ToListAsync(cancellationToken);
        var payable = open
            .Where(i => i.AmountPayable.IsPositive && credit.Contains((i.ClientAccountId, i.Currency)))
            .Where(i => firm.Policy.CreditAutoApply == CreditAutoApply.OnIssue || i.DueDate <= today)
            .OrderBy(i => i.DueDate).ThenBy(i => i.Number, StringComparer.Ordinal)
            .ToList();
        var spender = scope.ServiceProvider.GetRequiredService<CreditSpender>();
        var applied = 0;
        foreach (var invoice in payable)
        {
            try
            {
                await spender.ApplyAsync(new CreditUse(invoice.Id, Amount: null, Key(invoice)), cancellationToken);
                applied++;
            }
            catch (DomainException spent)
            {
                // The credit ran out on an earlier invoice, or a payment got there first: nothing to do here.
                logger.LogDebug("Credit not used on invoice {InvoiceId}: {Reason}", invoice.Id, spent.Message);
            }
        }
        return applied;
    }
}
