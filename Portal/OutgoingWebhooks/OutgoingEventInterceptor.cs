using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Threading.Channels;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Portal.Api;
using Portal.Clients.Api;
using Portal.Data;
using Portal.DirectDebit;
using Portal.Domain.Clients;
using Portal.Domain.Invoices;
using Portal.Domain.OutgoingWebhooks;
using Portal.Domain.Payments;
using Portal.Domain.Wallets;
using Portal.Invoices.Api;
using Portal.Payments.Api;

namespace Portal.OutgoingWebhooks;

/// <summary>Wakes the dispatcher once events have committed, so an endpoint hears of a change at once rather than at the next sweep.</summary>
public sealed class OutgoingWebhookSignal
{
    private readonly Channel<bool> _channel = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });

    public void Notify() => _channel.Writer.TryWrite(true);

    internal ChannelReader<bool> Reader => _channel.Reader;
}

/// <summary>
/// Raises outgoing events in the one place every change goes through: the SaveChanges (or batched save) that makes
/// an invoice issued, paid or void, a payment succeed, fail or be refunded, a client exist, or a client's credit
/// grow also adds the <see cref="OutgoingEvent"/> for it, in the same transaction. So the services need not
/// remember to, a rollback raises nothing, and a replayed provider webhook that changes nothing raises nothing.
/// </summary>
internal sealed class OutgoingEventInterceptor(OutgoingWebhookSignal signal, TimeProvider clock) : OutboxInterceptor
{
    private static readonly ConditionalWeakTable<DbContext, object> Raised = [];

    protected override void Add(PortalDbContext db, IReadOnlyList<object> newRows)
    {
        var now = clock.GetUtcNow();
        // A save tried again on the same context (after a conflict), or a batched save handed on to SaveChanges,
        // already holds its events.
        var raised = db.ChangeTracker.Entries<OutgoingEvent>().Where(e => e.State == EntityState.Added)
            .Select(e => (e.Entity.Type, e.Entity.SubjectId)).ToHashSet();
        var events = new List<OutgoingEvent>();
        void Add(Guid firmId, string type, Guid subjectId, object payload)
        {
            if (raised.Add((type, subjectId)))
                events.Add(new OutgoingEvent(firmId, type, subjectId, JsonSerializer.Serialize(payload, ApiJson.Options), now));
        }

        // Changes were detected once for this save before the interceptors run (PortalDbContext.DetectChangesOnce).
        var entries = db.ChangeTracker.Entries().Where(e => e.State is EntityState.Added or EntityState.Modified).ToList();
        foreach (var entry in entries)
            Changed(entry, Add);
        foreach (var row in newRows)
            New(row, Add);
        if (events.Count == 0)
            return;
        db.OutgoingEvents.AddRange(events);
        Raised.AddOrUpdate(db, true);
    }

    private static void New(object row, Action<Guid, string, Guid, object> add)
    {
        switch (row)
        {
            case ClientAccount client:
                add(client.FirmId, OutgoingEventTypes.ClientCreated, client.Id, ApiClient.From(client));
                break;
            case Invoice invoice when invoice.Status is not InvoiceStatus.Draft and not InvoiceStatus.Void:
                add(invoice.FirmId, OutgoingEventTypes.InvoiceIssued, invoice.Id, ApiInvoice.From(invoice));
                break;
            case Payment { Status: PaymentStatus.Succeeded } payment:
                add(payment.FirmId, OutgoingEventTypes.PaymentSucceeded, payment.Id, ApiPayment.From(payment));
                // Credit used on invoices is a payment made with credit: it is booked at once, so it is new and succeeded.
                if (payment.Method == PaymentMethod.Credit)
                    add(payment.FirmId, OutgoingEventTypes.CreditApplied, payment.Id, CreditApplied.Of(payment));
                break;
            case Wallet { BalanceMinor: > 0 } wallet:
                add(wallet.FirmId, OutgoingEventTypes.CreditAdded, wallet.Id, CreditAdded.Of(wallet, wallet.BalanceMinor));
                break;
            case DirectDebitMandate { Status: MandateStatus.Active } mandate:
                add(mandate.FirmId, OutgoingEventTypes.MandateActive, mandate.Id, ApiMandate.From(mandate));
                break;
        }
    }

    private static void Changed(EntityEntry entry, Action<Guid, string, Guid, object> add)
    {
        if (entry.State == EntityState.Added)
        {
            New(entry.Entity, add);
            return;
        }
        switch (entry.Entity)
        {
            case Invoice invoice:
                var invoiceWas = entry.Property(nameof(Invoice.Status)).OriginalValue is InvoiceStatus status ? status : invoice.Status;
                var paidWas = entry.Property(nameof(Invoice.PaidMinor)).OriginalValue is long paid ? paid : invoice.PaidMinor;
                if (invoiceWas == InvoiceStatus.Draft && invoice.Status is not InvoiceStatus.Draft and not InvoiceStatus.Void)
                    add(invoice.FirmId, OutgoingEventTypes.InvoiceIssued, invoice.Id, ApiInvoice.From(invoice));
                if (invoice.Status == InvoiceStatus.PartiallyPaid && invoice.PaidMinor > paidWas)
                    add(invoice.FirmId, OutgoingEventTypes.InvoicePartiallyPaid, invoice.Id, ApiInvoice.From(invoice));
                if (invoice.Status == InvoiceStatus.Paid && invoiceWas != InvoiceStatus.Paid)
                    add(invoice.FirmId, OutgoingEventTypes.InvoicePaid, invoice.Id, ApiInvoice.From(invoice));
                if (invoice.Status == InvoiceStatus.Void && invoiceWas != InvoiceStatus.Void)
                    add(invoice.FirmId, OutgoingEventTypes.InvoiceVoided, invoice.Id, ApiInvoice.From(invoice));
                if (invoice.OverdueAnnouncedAt is not null && entry.Property(nameof(Invoice.OverdueAnnouncedAt)).OriginalValue is null)
                    add(invoice.FirmId, OutgoingEventTypes.InvoiceOverdue, invoice.Id, ApiInvoice.From(invoice));
                break;
            case Payment payment:
                var paymentWas = entry.Property(nameof(Payment.Status)).OriginalValue is PaymentStatus before ? before : payment.Status;
                var refundedWas = entry.Property(nameof(Payment.RefundedMinor)).OriginalValue is long refunded ? refunded : payment.RefundedMinor;
                if (payment.Status == PaymentStatus.Succeeded && paymentWas is PaymentStatus.Initiated or PaymentStatus.Pending)
                    add(payment.FirmId, OutgoingEventTypes.PaymentSucceeded, payment.Id, ApiPayment.From(payment));
                if (payment.Status == PaymentStatus.Failed && paymentWas != PaymentStatus.Failed)
                    add(payment.FirmId, OutgoingEventTypes.PaymentFailed, payment.Id, ApiPayment.From(payment));
                if (payment.RefundedMinor > refundedWas)
                    add(payment.FirmId, OutgoingEventTypes.PaymentRefunded, payment.Id, ApiPayment.From(payment));
                break;
            case DirectDebitMandate mandate:
                var mandateWas = entry.Property(nameof(DirectDebitMandate.Status)).OriginalValue is MandateStatus was ? was : mandate.Status;
                if (mandate.Status == MandateStatus.Active && mandateWas != MandateStatus.Active)
                    add(mandate.FirmId, OutgoingEventTypes.MandateActive, mandate.Id, ApiMandate.From(mandate));
                if (mandate.Status == MandateStatus.Cancelled && mandateWas != MandateStatus.Cancelled)
                    add(mandate.FirmId, OutgoingEventTypes.MandateCancelled, mandate.Id, ApiMandate.From(mandate));
                break;
            case Wallet wallet:
                var balanceWas = entry.Property(nameof(Wallet.BalanceMinor)).OriginalValue is long balance ? balance : wallet.BalanceMinor;
                if (wallet.BalanceMinor > balanceWas)
                    add(wallet.FirmId, OutgoingEventTypes.CreditAdded, wallet.Id, CreditAdded.Of(wallet, wallet.BalanceMinor - balanceWas));
                break;
        }
    }

    protected override void Committed(DbContext context)
    {
        if (Raised.Remove(context))
            signal.Notify();
    }

    protected override void Forget(DbContext context) => Raised.Remove(context);
}

/// <summary>The payload of <c>credit.added</c>: how much credit a client gained, and their balance in that currency after it.</summary>
public sealed record CreditAdded(Guid ClientId, ApiMoney Amount, ApiMoney Balance)
{
    public string Object => "credit";

    public static CreditAdded Of(Wallet wallet, long addedMinor) =>
        new(wallet.ClientAccountId, new ApiMoney(addedMinor, wallet.Currency.Code), new ApiMoney(wallet.BalanceMinor, wallet.Currency.Code));
}

/// <summary>The payload of <c>credit.applied</c>: credit a client used, on which invoices and how much on each (the payment made with it).</summary>
public sealed record CreditApplied(Guid ClientId, Guid PaymentId, ApiMoney Amount, IReadOnlyList<CreditOnInvoice> Invoices)
{
    public string Object => "credit_application";

    public static CreditApplied Of(Payment payment) =>
        new(payment.ClientAccountId, payment.Id, new ApiMoney(payment.AmountMinor, payment.Currency.Code),
            [.. payment.ToInvoices.Select(i => new CreditOnInvoice(i.InvoiceId, new ApiMoney(i.Amount.Minor, i.Amount.Currency.Code)))]);
}

public sealed record CreditOnInvoice(Guid InvoiceId, ApiMoney Amount);

/// <summary>
/// The payload of <c>mandate.active</c> and <c>mandate.cancelled</c>: a client's direct-debit mandate as Portal keeps
/// it (the bank's name and the account's last digits only, never the account number).
/// </summary>
public sealed record ApiMandate(Guid Id, Guid ClientId, string ProviderMandateId, string Scheme, string Currency, MandateStatus Status, string? Reference,
    string? BankName, string? AccountNumberEnding, DateOnly? NextPossibleChargeDate, DateTimeOffset CreatedAt, DateTimeOffset? EndedAt)
{
    public string Object => "mandate";

    public static ApiMandate From(DirectDebitMandate m) => new(m.Id, m.ClientAccountId, m.MandateId, m.Scheme, m.Currency.Code, m.Status, m.Reference,
        m.BankName, m.AccountNumberEnding, m.NextPossibleChargeDate, m.CreatedAt, m.EndedAt);
}
