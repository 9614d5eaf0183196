using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Domain;
using Portal.Domain.Firms;
using Portal.Domain.Invoices;
using Portal.Domain.Payments;

namespace Portal.DirectDebit;

/// <summary>
/// Smart retries of failed automatic direct debits. When GoCardless reports an automatic collection failed, the firm's
/// <see cref="DirectDebitRetryPolicy"/> decides whether and when to try again and the retry is planned; on its day (the
/// firm's local day) the sweep makes it as a new collection of what is then payable, unless the invoice was settled
/// or the client paid another way meanwhile (their choice wins), or the mandate is gone. One collection is in flight
/// per invoice: a retry is planned only once its predecessor has failed, and is made only while nothing is pending.
/// </summary>
public sealed class DirectDebitRetries(
    IDbContextFactory<PortalDbContext> dbFactory, DirectDebitPayments directDebits, DirectDebitMandates mandates,
    TimeProvider clock, ILogger<DirectDebitRetries> logger)
{
    /// <summary>
    /// After <paramref name="paymentId"/> failed for <paramref name="cause"/>: plans its retry when it was an automatic
    /// collection of one invoice and the policy says so. Null when the payment is not one to retry at all. Safe to
    /// repeat: one plan per failed payment.
    /// </summary>
    public async Task<RetryDecision?> PlanAfterFailureAsync(Guid paymentId, string? cause, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var payment = await db.Payments.AsNoTracking().SingleOrDefaultAsync(p => p.Id == paymentId, cancellationToken);
        if (payment is not { Status: PaymentStatus.Failed, Method: PaymentMethod.DirectDebit })
            return null;
        var collection = await db.ScheduledCollections.AsNoTracking().SingleOrDefaultAsync(c => c.PaymentId == paymentId, cancellationToken);
        if (collection is not { Automatic: true, InvoiceId: { } invoiceId })
            return null;
        if (await db.DirectDebitRetries.AnyAsync(r => r.FailedPaymentId == paymentId, cancellationToken))
            return null;
        // The first collection is try 1; the collection of retry N is try N + 1.
        var failedTry = 1 + (await db.DirectDebitRetries.AsNoTracking().Where(r => r.RetryPaymentId == paymentId).Select(r => (int?)r.Attempt).SingleOrDefaultAsync(cancellationToken) ?? 0);
        var firm = await db.Firms.AsNoTracking().SingleAsync(cancellationToken);
        var now = clock.GetUtcNow();
        var decision = firm.Policy.DirectDebitRetries().After(failedTry, cause, firm.LocalToday(now));
        if (decision is { Retries: true, On: { } day })
        {
            db.DirectDebitRetries.Add(new DirectDebitRetry(firm.Id, payment.ClientAccountId, invoiceId, paymentId, failedTry, cause, day, now));
            try
            {
                await db.SaveChangesAsync(cancellationToken);
            }
            catch (DbUpdateException)
            {
                // The same failure applied twice at once (redelivery, reconciliation): the first plan stands.
                return null;
            }
        }
        logger.LogInformation("Automatic direct debit {PaymentId} failed ({Cause}): {Verdict} {RetryOn}", paymentId, cause, decision.Verdict, decision.On);
        return decision;
    }

    /// <summary>
    /// Makes this firm's retries whose day has come (and finishes any an instance claimed and did not send); returns
    /// how many collections it sent.
    /// </summary>
    public async Task<int> MakeDueAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var firm = await db.Firms.AsNoTracking().SingleAsync(cancellationToken);
        var now = clock.GetUtcNow();
        var today = firm.LocalToday(now);
        var due = await db.DirectDebitRetries
            .Where(r => (r.Status == DirectDebitRetryStatus.Planned && r.PlannedFor <= today) || (r.Status == DirectDebitRetryStatus.Requested && r.RetryPaymentId == null))
            .OrderBy(r => r.PlannedFor).ThenBy(r => r.Id).ToListAsync(cancellationToken);
        var made = 0;
        foreach (var retry in due)
        {
            try
            {
                if (await MakeAsync(db, firm, retry, now, cancellationToken))
                    made++;
            }
            catch (DbUpdateConcurrencyException conflict)
            {
                // Another instance claimed or closed this retry first: it is theirs. Only this retry is let go; the
                // pass's other retries stay tracked, so their claims are still saved.
                foreach (var entry in conflict.Entries)
                    entry.State = EntityState.Detached;
            }
        }
        return made;
    }

    private async Task<bool> MakeAsync(PortalDbContext db, Firm firm, DirectDebitRetry retry, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var invoice = await db.Invoices.AsNoTracking().SingleAsync(i => i.Id == retry.InvoiceId, cancellationToken);
        if (retry.Status == DirectDebitRetryStatus.Planned)
        {
            if (await ReasonNotToMakeAsync(db, firm, retry, invoice, cancellationToken) is { } reason)
            {
                retry.Cancel(reason, now);
                await db.SaveChangesAsync(cancellationToken);
                logger.LogInformation("Retry {Attempt} of invoice {InvoiceId} not made: {Reason}", retry.Attempt, retry.InvoiceId, reason);
                return false;
            }
            // Claimed before the collection is sent: a second instance's claim fails, and a crash after this save
            // leaves a claimed retry that the next pass sends under the same request key.
            retry.Claim(now);
            await db.SaveChangesAsync(cancellationToken);
        }
        DateOnly chargeDate;
        Guid paymentId;
        try
        {
            (paymentId, chargeDate) = await directDebits.ScheduleAutomaticAsync(retry.ClientAccountId, retry.InvoiceId, invoice.AmountPayable, retry.RequestKey, cancellationToken);
        }
        catch (DomainException refused)
        {
            logger.LogWarning("Retry {Attempt} of invoice {InvoiceId} was refused: {Reason}", retry.Attempt, retry.InvoiceId, refused.Message);
            retry.Cancel(RetryCancellation.CollectionRefused, now);
            await db.SaveChangesAsync(cancellationToken);
            return false;
        }
        retry.Made(paymentId);
        await db.SaveChangesAsync(cancellationToken);
        logger.LogInformation("Retry {Attempt} of invoice {InvoiceId} sent as {PaymentId}, charged on {ChargeDate}", retry.Attempt, retry.InvoiceId, paymentId, chargeDate);
        return true;
    }

    private async Task<RetryCancellation?> ReasonNotToMakeAsync(PortalDbContext db, Firm firm, DirectDebitRetry retry, Invoice invoice, CancellationToken cancellationToken)
    {
        var policy = firm.Policy;
        if (!policy.AutoCollectDirectDebitOnDueDate || !policy.MethodsAllowed.HasFlag(PaymentMethods.DirectDebit))
            return RetryCancellation.AutomaticCollectionOff;
        if (!await CardOnFile.AutomaticPayments.DirectDebitMayCollectAsync(db, firm, retry.ClientAccountId, cancellationToken))
            return RetryCancellation.ClientChoseOtherwise;
        if (invoice.Status is not (InvoiceStatus.Open or InvoiceStatus.PartiallyPaid) || !invoice.AmountPayable.IsPositive)
            return RetryCancellation.NothingLeftToCollect;
        // Any payment on the invoice since the failure (by card, by transfer, a direct debit the client started, even
        // one still in flight) is the client's or staff's choice: the retry steps aside. Attempts left unfinished on a
        // hosted page took nothing and do not count.
        var since = await db.Payments.AsNoTracking()
            .Where(p => p.ClientAccountId == retry.ClientAccountId && p.CreatedAt > retry.PlannedAt && p.Allocations.Any(a => a.InvoiceId == retry.InvoiceId))
            .ToListAsync(cancellationToken);
        if (invoice.Pending.IsPositive || since.Any(p => !p.IsAttemptOnly))
            return RetryCancellation.PaidAnotherWay;
        if (await mandates.UsableAsync(retry.ClientAccountId, invoice.Currency, cancellationToken) is null)
            return RetryCancellation.NoUsableMandate;
        return null;
    }

    /// <summary>An invoice's retries, oldest first, for its page.</summary>
    public async Task<IReadOnlyList<DirectDebitRetry>> OfInvoiceAsync(Guid invoiceId, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.DirectDebitRetries.AsNoTracking().Where(r => r.InvoiceId == invoiceId).OrderBy(r => r.Attempt).ToListAsync(cancellationToken);
    }
}
