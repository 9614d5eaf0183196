namespace Portal.Domain.Reminders;

/// <summary>A reminder that went out: which invoice, at which step, when.</summary>
public sealed record SentReminder(Guid InvoiceId, ReminderStep Step, DateTimeOffset SentAt);

/// <summary>Money that reached an invoice, and when it was confirmed.</summary>
public sealed record InvoiceReceipt(Guid InvoiceId, Money Amount, DateTimeOffset At);

/// <summary>What one step of the schedule brought in: reminders sent, and money received on their invoices soon after, per currency.</summary>
public sealed record StepEffect(ReminderStep Step, int Sent, int FollowedByPayment, IReadOnlyList<Money> Collected);

/// <summary>
/// Which reminders worked: money confirmed on an invoice within <see cref="Window"/> of a reminder about it is counted to
/// that reminder's step. When several reminders of the invoice came before the money, the latest one gets it (it is
/// the one the client answered), so no amount is counted twice.
/// </summary>
public static class ReminderEffect
{
    public static readonly TimeSpan Window = TimeSpan.FromDays(7);

    public static IReadOnlyList<StepEffect> Of(IEnumerable<SentReminder> reminders, IEnumerable<InvoiceReceipt> receipts)
    {
        var byInvoice = reminders.GroupBy(r => r.InvoiceId).ToDictionary(g => g.Key, g => g.OrderBy(r => r.SentAt).ToList());
        var collected = new Dictionary<ReminderStep, Dictionary<Currency, long>>();
        var answered = new HashSet<SentReminder>();
        foreach (var receipt in receipts)
        {
            if (!byInvoice.TryGetValue(receipt.InvoiceId, out var sent))
                continue;
            var latest = sent.LastOrDefault(r => r.SentAt <= receipt.At);
            if (latest is null || receipt.At - latest.SentAt > Window || !receipt.Amount.IsPositive)
                continue;
            answered.Add(latest);
            var amounts = collected.TryGetValue(latest.Step, out var found) ? found : collected[latest.Step] = [];
            amounts[receipt.Amount.Currency] = amounts.GetValueOrDefault(receipt.Amount.Currency) + receipt.Amount.Minor;
        }
        var all = byInvoice.Values.SelectMany(r => r).ToList();
        return [.. Enum.GetValues<ReminderStep>().Select(step => new StepEffect(step,
            all.Count(r => r.Step == step),
            answered.Count(r => r.Step == step),
            collected.TryGetValue(step, out var amounts) ? [.. amounts.Select(a => new Money(a.Value, a.Key)).OrderBy(m => m.Currency.Code)] : []))];
    }
}
