using Portal.Domain;
using Portal.Domain.Clients;
using Portal.Domain.Invoices;
using Portal.Domain.Ledger;
using Portal.Domain.Payments;
using Portal.Domain.Wallets;

namespace Portal.Tests.Domain;

/// <summary>
/// Long random sequences of everything that moves money. Each step either applies completely or is refused with a
/// DomainException and changes nothing; after each step the books must agree with themselves and with the ledger.
/// </summary>
public class MoneyMovementSequenceTests
{
    public static TheoryData<int> Seeds() => new(Enumerable.Range(1, 20));

    [Theory]
    [MemberData(nameof(Seeds))]
    public void Random_money_movements_keep_the_books_consistent(int seed)
    {
        var sequence = new Sequence(seed);
        sequence.Run(steps: 300);

        // The generator must exercise both outcomes, or the test proves little.
        sequence.Applied.Values.Sum().ShouldBeGreaterThan(150);
        sequence.Refused.Values.Sum().ShouldBeGreaterThan(10);
    }

    [Fact]
    public void Across_all_seeds_every_kind_of_movement_is_applied_and_refused_somewhere()
    {
        var sequences = Enumerable.Range(1, 20).Select(seed => new Sequence(seed)).ToList();
        sequences.ForEach(s => s.Run(steps: 300));
        foreach (var operation in Sequence.Operations)
        {
            sequences.Sum(s => s.Applied.GetValueOrDefault(operation)).ShouldBeGreaterThan(0, $"{operation} never applied");
        }
        foreach (var operation in new[] { "pay-card", "apply-credit", "refund-to-card", "refund-as-credit", "reverse", "void", "prepay", "issue" })
            sequences.Sum(s => s.Refused.GetValueOrDefault(operation)).ShouldBeGreaterThan(0, $"{operation} never refused");
    }

    private sealed record Step(string Name, bool? ShouldApply, Action Act);

    private sealed class Sequence(int seed)
    {
        public static readonly string[] Operations =
        [
            "issue", "pay-card", "pay-several", "prepay", "overpay", "debit-start", "debit-confirm", "debit-fail",
            "repeat-success", "apply-credit", "refund-to-card", "refund-as-credit", "reverse", "win-dispute", "void", "fee",
        ];

        private static readonly Currency[] Currencies = [Currency.EUR, Currency.JPY];
        private readonly Random _random = new(seed);
        private readonly Books _books = new();
        private readonly List<ClientAccount> _clients = [];
        private readonly List<Invoice> _invoices = [];
        private readonly List<Payment> _payments = [];
        private int _checkedTransactions;

        public Dictionary<string, int> Applied { get; } = [];
        public Dictionary<string, int> Refused { get; } = [];

        public void Run(int steps)
        {
            _clients.AddRange(Enumerable.Range(1, 3).Select(n => _books.Client($"Client {n}")));
            for (var i = 0; i < steps; i++)
            {
                var step = Prepare(Operations[_random.Next(Operations.Length)]);
                var before = Snapshot();
                var where = $"seed {seed}, step {i}, {step.Name}";
                try
                {
                    step.Act();
                    step.ShouldApply.ShouldNotBe(false, $"{where}: applied but should have been refused");
                    Applied[step.Name] = Applied.GetValueOrDefault(step.Name) + 1;
                }
                catch (DomainException refused)
                {
                    step.ShouldApply.ShouldNotBe(true, $"{where}: refused but should have applied: {refused.Message}");
                    Snapshot().ShouldBe(before, $"{where}: refused ({refused.Message}) but changed something");
                    Refused[step.Name] = Refused.GetValueOrDefault(step.Name) + 1;
                }
                CheckBooks(where);
            }
        }

        private Step Prepare(string operation)
        {
            switch (operation)
            {
                case "issue":
                {
                    var client = Any(_clients);
                    var currency = Any(Currencies);
                    var free = _random.Next(10) == 0;
                    var lines = Enumerable.Range(0, _random.Next(1, 4))
                        .Select(n => new InvoiceLineInput($"Line {n}", Any(new[] { 1m, 2m, 0.5m, 1.25m }), free ? 0 : _random.Next(1, 20_000), Any(new[] { 0, 550, 2000 })))
                        .ToArray();
                    return new(operation, !free, () =>
                    {
                        var invoice = Books.Draft(client, currency, _random.Next(0, 60), lines);
                        _books.Post(InvoiceBooking.Issue(invoice, _books.Firm, client, _books.Key(), Books.Now));
                        _invoices.Add(invoice);
                    });
                }
                case "pay-card":
                {
                    if (_invoices.Count == 0)
                        return Nothing(operation);
                    var invoice = Any(_invoices);
                    var payable = invoice.AmountPayable.Minor;
                    var amount = _random.Next(5) == 0 ? payable + _random.Next(1, 500) : _random.NextInt64(1, Math.Max(2, payable + 1));
                    var client = _clients.Single(c => c.Id == invoice.ClientAccountId);
                    return new(operation, invoice.AcceptsPayment && amount <= payable, () =>
                        Succeed(Books.CardPayment(client, (invoice, amount))));
                }
                case "pay-several":
                {
                    var client = Any(_clients);
                    var currency = Any(Currencies);
                    var open = _invoices.Where(i => i.ClientAccountId == client.Id && i.Currency == currency && i.AmountPayable.IsPositive)
                        .OrderBy(_ => _random.Next()).Take(3).ToList();
                    if (open.Count == 0)
                        return Nothing(operation);
                    var parts = open.Select(i => new InvoicePayment(i, new Money(_random.NextInt64(1, i.AmountPayable.Minor + 1), currency))).ToList();
                    var method = _random.Next(2) == 0 ? PaymentMethod.Card : PaymentMethod.DirectDebit;
                    var provider = method == PaymentMethod.Card ? PaymentProvider.Stripe : PaymentProvider.GoCardless;
                    return new(operation, true, () => Succeed(Payment.TowardsInvoices(client, method, provider, parts, Books.Now)));
                }
                case "prepay":
                {
                    var client = Any(_clients);
                    var amount = new Money(_random.Next(8) == 0 ? 0 : _random.Next(1, 20_000), Any(Currencies));
                    _books.Wallet(client, amount.Currency);
                    return new(operation, amount.IsPositive, () => Succeed(Payment.Prepayment(client, PaymentMethod.Card, PaymentProvider.Stripe, amount, Books.Now)));
                }
                case "overpay":
                {
                    var client = Any(_clients);
                    var currency = Any(Currencies);
                    var open = _invoices.Where(i => i.ClientAccountId == client.Id && i.Currency == currency).ToList();
                    var amount = new Money(open.Where(i => i.AcceptsPayment).Sum(i => i.AmountPayable.Minor) + _random.Next(1, 5_000), currency);
                    var wallet = _books.Wallet(client, currency);
                    return new(operation, true, () =>
                    {
                        var plan = AllocationPlan.OldestDueFirst(amount, open);
                        if (_random.Next(2) == 0)
                            _payments.Add(_books.Post(ManualPayments.Record(client, PaymentMethod.BankTransfer, plan, wallet, "TRF", _books.Key(), Books.Now)));
                        else
                            Succeed(Payment.Create(client, PaymentMethod.Card, PaymentProvider.Stripe, plan, Books.Now));
                    });
                }
                case "debit-start":
                {
                    var open = _invoices.Where(i => i.AmountPayable.IsPositive).ToList();
                    if (open.Count == 0)
                        return Nothing(operation);
                    var invoice = Any(open);
                    var client = _clients.Single(c => c.Id == invoice.ClientAccountId);
                    _books.Wallet(client, invoice.Currency);
                    return new(operation, true, () =>
                    {
                        var debit = Payment.TowardsInvoices(client, PaymentMethod.DirectDebit, PaymentProvider.GoCardless,
                            [new InvoicePayment(invoice, new Money(_random.NextInt64(1, invoice.AmountPayable.Minor + 1), invoice.Currency))], Books.Now);
                        Settlement.MarkInFlight(debit, _invoices, Books.Now).ShouldBeTrue();
                        _payments.Add(debit);
                    });
                }
                case "debit-confirm" or "debit-fail":
                {
                    var inFlight = _payments.Where(p => p.Status == PaymentStatus.Pending).ToList();
                    if (inFlight.Count == 0)
                        return Nothing(operation);
                    var debit = Any(inFlight);
                    var wallet = WalletOf(debit);
                    return new(operation, true, () =>
                    {
                        if (operation == "debit-confirm")
                            _books.Post(Settlement.ApplySucceeded(debit, _invoices, wallet, _books.Key(), Books.Now)).ShouldNotBeNull();
                        else
                            Settlement.ApplyFailure(debit, _invoices, wallet, "failed", _books.Key(), Books.Now).ShouldBeNull();
                    });
                }
                case "repeat-success":
                {
                    if (_payments.Count == 0)
                        return Nothing(operation);
                    var payment = Any(_payments);
                    var wallet = WalletOf(payment);
                    var moves = PaymentStateMachine.Decide(payment.Status, PaymentChange.Succeed).Outcome;
                    return new(operation, payment.Method != PaymentMethod.Credit && moves != TransitionOutcome.Illegal, () =>
                    {
                        var transaction = Settlement.ApplySucceeded(payment, _invoices, wallet, _books.Key(), Books.Now);
                        if (moves == TransitionOutcome.AlreadyApplied)
                            transaction.ShouldBeNull("a repeated success must post nothing");
                        _books.Post(transaction);
                    });
                }
                case "apply-credit":
                {
                    if (_invoices.Count == 0)
                        return Nothing(operation);
                    var invoice = Any(_invoices);
                    var client = _clients.Single(c => c.Id == invoice.ClientAccountId);
                    var wallet = _books.Wallet(client, _random.Next(6) == 0 ? Any(Currencies) : invoice.Currency);
                    var amount = new Money(_random.NextInt64(1, Math.Max(2, Math.Max(wallet.BalanceMinor, invoice.AmountPayable.Minor) + 100)), wallet.Currency);
                    var valid = invoice.AcceptsPayment && wallet.Currency == invoice.Currency && !wallet.NeedsAttention
                        && amount.Minor <= wallet.BalanceMinor && amount.Minor <= invoice.AmountPayable.Minor;
                    return new(operation, valid, () => _payments.Add(_books.Post(CreditApplication.Apply(wallet, invoice, amount, _books.Key(), Books.Now))));
                }
                case "refund-to-card":
                {
                    if (_payments.Count == 0)
                        return Nothing(operation);
                    var payment = Any(_payments);
                    var wallet = WalletOf(payment);
                    var amount = new Money(_random.NextInt64(1, payment.Retained.Minor + 100), payment.Currency);
                    var unspent = Math.Min(payment.ToWallet.Minor, Math.Max(0, wallet.BalanceMinor));
                    var refundable = unspent + payment.ToInvoices.Sum(a => a.Amount.Minor);
                    var valid = payment.Method != PaymentMethod.Credit && PaymentStateMachine.CanRefund(payment.Status)
                        && amount <= payment.Retained && amount.Minor <= refundable;
                    return new(operation, valid, () => _books.Post(Refunds.ToPaymentMethod(payment, _invoices, wallet, amount, _books.Key(), Books.Now)));
                }
                case "refund-as-credit":
                {
                    var candidates = _payments.Where(p => p.ToInvoices.Count > 0).ToList();
                    if (candidates.Count == 0 || _invoices.Count == 0)
                        return Nothing(operation);
                    var payment = Any(candidates);
                    var part = _random.Next(8) == 0 ? new InvoiceAmount(Any(_invoices).Id, Money.Zero(payment.Currency)) : Any(payment.ToInvoices.ToList());
                    var invoice = _invoices.Single(i => i.Id == part.InvoiceId);
                    var allocated = payment.ToInvoices.Where(a => a.InvoiceId == invoice.Id).Sum(a => a.Amount.Minor);
                    var amount = new Money(_random.NextInt64(1, Math.Max(2, allocated + 50)), payment.Currency);
                    var valid = PaymentStateMachine.CanRefund(payment.Status) && amount.Minor <= allocated;
                    return new(operation, valid, () => _books.Post(Refunds.AsCredit(payment, invoice, WalletOf(payment), amount, _books.Key(), Books.Now)));
                }
                case "reverse":
                {
                    if (_payments.Count == 0)
                        return Nothing(operation);
                    var payment = Any(_payments);
                    var wallet = WalletOf(payment);
                    var outcome = PaymentStateMachine.Decide(payment.Status, PaymentChange.Reverse).Outcome;
                    var reason = Any(Enum.GetValues<ReversalReason>());
                    return new(operation, payment.Method != PaymentMethod.Credit && outcome != TransitionOutcome.Illegal, () =>
                    {
                        var transaction = Settlement.Reverse(payment, _invoices, wallet, reason, _books.Key(), Books.Now);
                        (transaction is null).ShouldBe(outcome == TransitionOutcome.AlreadyApplied);
                        _books.Post(transaction);
                    });
                }
                case "win-dispute":
                {
                    var reversed = _payments.Where(p => p.Status == PaymentStatus.Reversed || _random.Next(10) == 0).ToList();
                    if (reversed.Count == 0)
                        return Nothing(operation);
                    var payment = Any(reversed);
                    var outcome = PaymentStateMachine.Decide(payment.Status, PaymentChange.WinDispute).Outcome;
                    return new(operation, payment.Method != PaymentMethod.Credit && outcome != TransitionOutcome.Illegal, () =>
                        _books.Post(Settlement.WinDispute(payment, _invoices, WalletOf(payment), _books.Key(), Books.Now)));
                }
                case "void":
                {
                    if (_invoices.Count == 0)
                        return Nothing(operation);
                    var invoice = Any(_invoices);
                    var valid = invoice.IsIssued && invoice.PaidMinor == 0 && invoice.PendingMinor == 0 && invoice.CreditedMinor == 0;
                    return new(operation, valid, () => _books.Post(InvoiceBooking.Void(invoice, "Issued by mistake", _books.Key(), Books.Now)));
                }
                case "fee":
                {
                    var charged = _payments.Where(p => p.Provider != PaymentProvider.None).ToList();
                    if (charged.Count == 0)
                        return Nothing(operation);
                    var payment = Any(charged);
                    var fee = new Money(_random.Next(0, 400), payment.Currency);
                    return new(operation, true, () => _books.Post(Settlement.RecordFee(payment, fee, _books.Key(), Books.Now)));
                }
                default:
                    throw new InvalidOperationException(operation);
            }
        }

        private void Succeed(Payment payment)
        {
            var transaction = Settlement.ApplySucceeded(payment, _invoices, WalletOf(payment), _books.Key(), Books.Now);
            _books.Post(transaction).ShouldNotBeNull();
            _payments.Add(payment);
        }

        private Wallet WalletOf(Payment payment) => _books.Wallet(_clients.Single(c => c.Id == payment.ClientAccountId), payment.Currency);

        private static Step Nothing(string operation) => new(operation, null, () => { });

        private T Any<T>(IReadOnlyList<T> items) => items[_random.Next(items.Count)];

        private string Snapshot() => string.Join("\n",
            _invoices.Select(i => $"invoice {i.Number} {i.Status} paid {i.PaidMinor} pending {i.PendingMinor} credited {i.CreditedMinor} v{i.Version}")
                .Concat(_books.Wallets.Select(w => $"wallet {w.ClientAccountId} {w.Currency} {w.BalanceMinor} {w.NeedsAttention} v{w.Version}"))
                .Concat(_payments.Select(p => $"payment {p.Id} {p.Status} refunded {p.RefundedMinor} fee {p.FeeMinor} v{p.Version} "
                    + string.Join(",", p.Allocations.Select(a => $"{a.InvoiceId}:{a.AmountMinor}/{a.ReservedMinor}"))))
                .Append($"transactions {_books.Transactions.Count}, next number {_books.Firm.NextInvoiceNumber}"));

        private static bool MoneyIsIn(Payment payment) => payment.Status switch
        {
            PaymentStatus.Succeeded or PaymentStatus.Settled or PaymentStatus.PartiallyRefunded or PaymentStatus.Refunded => true,
            PaymentStatus.Initiated or PaymentStatus.Pending or PaymentStatus.Failed or PaymentStatus.Cancelled or PaymentStatus.Reversed => false,
        };

        private void CheckBooks(string where)
        {
            foreach (var transaction in _books.Transactions.Skip(_checkedTransactions))
                foreach (var currency in transaction.Postings.GroupBy(p => p.Currency))
                    Same(currency.Sum(p => p.AmountMinor), 0L, () => $"{where}: {transaction} does not balance");
            _checkedTransactions = _books.Transactions.Count;
            Same(_books.Transactions.Select(t => t.IdempotencyKey).Distinct().Count(), _books.Transactions.Count, () => $"{where}: idempotency keys reused");

            var dueFromLedger = _books.Ledger.AmountsDue();
            var live = _payments.Where(MoneyIsIn).ToList();
            var paidByPayments = live.SelectMany(p => p.ToInvoices).GroupBy(a => a.InvoiceId).ToDictionary(g => g.Key, g => g.Sum(a => a.Amount.Minor));
            var heldByDebits = _payments.Where(p => p.Status == PaymentStatus.Pending).SelectMany(p => p.Allocations)
                .Where(a => a.InvoiceId is not null).GroupBy(a => a.InvoiceId!.Value).ToDictionary(g => g.Key, g => g.Sum(a => a.ReservedMinor));
            foreach (var invoice in _invoices)
            {
                Same(dueFromLedger.GetValueOrDefault(invoice.Id, Money.Zero(invoice.Currency)), invoice.AmountDue, () => $"{where}: {invoice.Number} amount due in the ledger");
                True(invoice.PaidMinor >= 0 && invoice.PaidMinor <= invoice.TotalMinor - invoice.CreditedMinor, () => $"{where}: {invoice.Number} paid {invoice.Paid} of {invoice.Total}");
                True(invoice.PendingMinor >= 0 && invoice.AmountPayable.Minor >= 0 && invoice.AmountPayable <= invoice.AmountDue, () => $"{where}: {invoice.Number} pending {invoice.Pending}");
                Same(paidByPayments.GetValueOrDefault(invoice.Id), invoice.PaidMinor, () => $"{where}: {invoice.Number} paid is not what the payments put on it");
                Same(heldByDebits.GetValueOrDefault(invoice.Id), invoice.PendingMinor, () => $"{where}: {invoice.Number} pending is not what the debits in flight hold");
            }

            var creditFromLedger = _books.Ledger.WalletCredits();
            foreach (var wallet in _books.Wallets)
            {
                var label = $"{where}: wallet of {wallet.ClientAccountId} in {wallet.Currency}";
                Same(creditFromLedger.GetValueOrDefault((wallet.ClientAccountId, wallet.Currency), Money.Zero(wallet.Currency)), wallet.Balance, () => label);
                Same(wallet.NeedsAttention, wallet.BalanceMinor < 0, () => $"{label}: flagged exactly when negative");
                var own = _payments.Where(p => p.ClientAccountId == wallet.ClientAccountId && p.Currency == wallet.Currency).ToList();
                var fedByPayments = own.Where(p => MoneyIsIn(p) && p.Method != PaymentMethod.Credit).Sum(p => p.ToWallet.Minor);
                var spentOnInvoices = own.Where(p => p.Method == PaymentMethod.Credit).Sum(p => p.ToInvoices.Sum(a => a.Amount.Minor));
                Same(wallet.BalanceMinor, fedByPayments - spentOnInvoices, () => $"{label}: balance is not what the payments say");
            }

            foreach (var payment in _payments)
            {
                var expected = payment.Status is PaymentStatus.Initiated or PaymentStatus.Pending ? payment.AmountMinor : payment.Retained.Minor;
                Same(payment.Allocations.Sum(a => a.AmountMinor), expected, () => $"{where}: allocations of payment {payment.Id} ({payment.Status})");
                True(payment.Allocations.All(a => a.AmountMinor >= 0 && a.ReservedMinor >= 0), () => $"{where}: negative allocation on {payment.Id}");
            }

            var balances = _books.Ledger.Balances();
            long BalanceOf(LedgerAccount account, Currency currency) => balances.GetValueOrDefault((account.Code, currency), Money.Zero(currency)).Minor;
            foreach (var currency in Currencies)
            {
                var billed = _invoices.Where(i => i.Currency == currency && i.IsIssued).Sum(i => i.TotalMinor - i.CreditedMinor);
                Same(BalanceOf(LedgerAccount.Revenue, currency) + BalanceOf(LedgerAccount.Tax, currency), -billed, () => $"{where}: revenue and tax in {currency}");
                foreach (var provider in new[] { PaymentProvider.Stripe, PaymentProvider.GoCardless })
                    Same(BalanceOf(LedgerAccount.Fees(provider), currency), _payments.Where(p => p.Provider == provider && p.Currency == currency).Sum(p => p.FeeMinor),
                        () => $"{where}: {provider} fees in {currency}");
            }
        }

        // Messages are built only on failure: the books are checked thousands of times per run.
        private static void Same<T>(T actual, T expected, Func<string> what)
        {
            if (!EqualityComparer<T>.Default.Equals(actual, expected))
                actual.ShouldBe(expected, what());
        }

        private static void True(bool condition, Func<string> what)
        {
            if (!condition)
                condition.ShouldBeTrue(what());
        }
    }
}
