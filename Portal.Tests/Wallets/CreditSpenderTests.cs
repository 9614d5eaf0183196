using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Domain;
using Portal.Domain.Invoices;
using Portal.Domain.Ledger;
using Portal.Domain.Payments;
using Portal.Ledger;
using Portal.Payments;
using Portal.Tests.Fixture;
using Portal.Wallets;

namespace Portal.Tests.Wallets;

public sealed class CreditSpenderTests(PortalApp app) : IClassFixture<PortalApp>, IAsyncLifetime
{
    public Task InitializeAsync() => app.ResetAsync();
    public Task DisposeAsync() => Task.CompletedTask;

    private Task<MoneyResult> StaffApplyAsync(TestFirm firm, CreditUse use) => app.AsStaffOfAsync<CreditSpender, MoneyResult>(firm, s => s.ApplyAsync(use));
    private Task<MoneyResult> ClientApplyAsync(TestClient client, CreditUse use) => app.AsClientAsync<CreditSpender, MoneyResult>(client, s => s.ApplyAsync(use));

    [Fact]
    public async Task Client_uses_credit_on_its_invoice_and_the_default_amount_is_the_lesser_of_due_and_credit()
    {
        var (firm, client) = await app.AFirmWithAClientAsync();
        var invoice = await app.AnInvoice(client).WithLine("Audit", 1, 120_00).IssuedAsync();
        await app.GiveCreditAsync(client, 100_00);

        var first = await ClientApplyAsync(client, new CreditUse(invoice.Id, null, MoneyChecks.NewKey()));

        (await app.CreditOfAsync(client)).ShouldBe(client.Amount(0));
        (await app.InvoiceAsync(firm, invoice.Id)).AmountDue.ShouldBe(client.Amount(20_00));
        await app.GiveCreditAsync(client, 50_00);
        await StaffApplyAsync(firm, new CreditUse(invoice.Id, null, MoneyChecks.NewKey()));
        (await app.CreditOfAsync(client)).ShouldBe(client.Amount(30_00));
        (await app.InvoiceAsync(firm, invoice.Id)).Status.ShouldBe(InvoiceStatus.Paid);
        var ledger = await app.LedgerShouldBeConsistentAsync(firm);
        ledger.AmountDue(invoice.Id, client.Currency).ShouldBe(client.Amount(0));
        await using var db = app.OpenDb(firm.Id);
        var payment = await db.Payments.SingleAsync(p => p.Id == first.Id);
        payment.Method.ShouldBe(PaymentMethod.Credit);
        payment.Amount.ShouldBe(client.Amount(100_00));
        (await db.AuditEntries.Where(a => a.Action == "Credit applied").CountAsync()).ShouldBe(2);
    }

    [Fact]
    public async Task Replaying_a_credit_use_changes_nothing_and_a_reused_key_is_refused()
    {
        var (firm, client) = await app.AFirmWithAClientAsync();
        var invoice = await app.AnInvoice(client).WithLine("Audit", 1, 120_00).IssuedAsync();
        await app.GiveCreditAsync(client, 100_00);
        var use = new CreditUse(invoice.Id, client.Amount(40_00), MoneyChecks.NewKey());
        var first = await ClientApplyAsync(client, use);
        var before = await app.MoneySnapshotAsync(firm);

        (await StaffApplyAsync(firm, use)).ShouldBe(first with { Replayed = true });
        await Should.ThrowAsync<IdempotencyKeyReusedException>(() => ClientApplyAsync(client, use with { Amount = client.Amount(41_00) }));

        (await app.MoneySnapshotAsync(firm)).ShouldBe(before);
    }

    [Fact]
    public async Task Bad_credit_uses_are_refused_and_change_nothing()
    {
        var (firm, client, other) = await app.AFirmWithTwoClientsAsync();
        var invoice = await app.AnInvoice(client).WithLine("Audit", 1, 120_00).IssuedAsync();
        var paid = await app.AnInvoice(client).WithLine("Paid", 1, 10_00).IssuedAsync();
        await app.PayByTransferAsync(client, paid.Id, 10_00);
        var draft = await app.AnInvoice(client).WithLine("Draft", 1, 10_00).DraftAsync();
        var othersInvoice = await app.AnInvoice(other).WithLine("Theirs", 1, 50_00).IssuedAsync();
        await app.GiveCreditAsync(client, 50_00);
        await app.GiveCreditAsync(other, 50_00);
        var before = await app.MoneySnapshotAsync(firm);
        CreditUse Use(Guid invoiceId, long? minor) => new(invoiceId, minor is { } m ? client.Amount(m) : null, MoneyChecks.NewKey());

        (await Should.ThrowAsync<DomainException>(() => StaffApplyAsync(firm, Use(invoice.Id, 0)))).Message.ShouldContain("more than zero");
        (await Should.ThrowAsync<DomainException>(() => StaffApplyAsync(firm, Use(invoice.Id, -1_00)))).Message.ShouldContain("more than zero");
        (await Should.ThrowAsync<DomainException>(() => StaffApplyAsync(firm, Use(invoice.Id, 60_00)))).Message.ShouldContain("credit is available");
        (await Should.ThrowAsync<DomainException>(() => ClientApplyAsync(client, Use(paid.Id, 5_00)))).Message.ShouldContain("does not accept payment");
        (await Should.ThrowAsync<DomainException>(() => StaffApplyAsync(firm, Use(draft.Id, 5_00)))).Message.ShouldContain("does not accept payment");
        (await Should.ThrowAsync<DomainException>(() => StaffApplyAsync(firm, Use(invoice.Id, 5_00) with { Amount = new Money(5_00, Currency.GBP) }))).Message.ShouldContain("only be used on invoices in EUR");
        // A contact cannot reach another client's invoice at all.
        await Should.ThrowAsync<NotFoundException>(() => ClientApplyAsync(client, Use(othersInvoice.Id, 5_00)));
        var strangerFirm = await app.AFirmAsync();
        await Should.ThrowAsync<NotFoundException>(() => StaffApplyAsync(strangerFirm, Use(invoice.Id, 5_00)));

        (await app.MoneySnapshotAsync(firm)).ShouldBe(before);
    }

    [Fact]
    public async Task Fifty_concurrent_spends_of_ten_by_staff_and_client_drain_a_wallet_of_a_hundred_exactly()
    {
        var (firm, client) = await app.AFirmWithAClientAsync();
        var invoice = await app.AnInvoice(client).WithLine("Retainer", 1, 1_000_00).IssuedAsync();
        await app.GiveCreditAsync(client, 100_00);

        var attempts = Enumerable.Range(0, 50).Select(async i =>
        {
            var use = new CreditUse(invoice.Id, client.Amount(10_00), $"spend-{i}");
            try
            {
                // Two kinds of caller, each with its own DI scope and database context.
                await (i % 2 == 0 ? StaffApplyAsync(firm, use) : ClientApplyAsync(client, use));
                return true;
            }
            catch (DomainException refused) when (refused.Message.Contains("credit is available", StringComparison.Ordinal))
            {
                return false;
            }
        }).ToList();
        var outcomes = await Task.WhenAll(attempts);

        outcomes.Count(succeeded => succeeded).ShouldBe(10);
        (await app.CreditOfAsync(client)).ShouldBe(client.Amount(0));
        (await app.InvoiceAsync(firm, invoice.Id)).Paid.ShouldBe(client.Amount(100_00));
        var ledger = await app.LedgerShouldBeConsistentAsync(firm);
        ledger.WalletCredit(client.Id, client.Currency).ShouldBe(client.Amount(0));
        await using var db = app.OpenDb(firm.Id);
        (await db.LedgerTransactions.CountAsync(t => t.Kind == LedgerTransactionKind.CreditApplied)).ShouldBe(10);
        (await db.Payments.CountAsync(p => p.Method == PaymentMethod.Credit)).ShouldBe(10);
    }

    [Fact]
    public async Task Concurrent_transfers_and_credit_uses_never_pay_an_invoice_beyond_its_total()
    {
        var (firm, client) = await app.AFirmWithAClientAsync();
        var invoice = await app.AnInvoice(client).WithLine("Audit", 1, 100_00).IssuedAsync();
        await app.GiveCreditAsync(client, 300_00);

        var attempts = Enumerable.Range(0, 20).Select(async i =>
        {
            try
            {
                if (i % 2 == 0)
                    await app.AsStaffOfAsync<ManualPaymentRecorder, MoneyResult>(firm, s => s.RecordAsync(new(client.Id, PaymentMethod.BankTransfer,
                        client.Amount(30_00), [new InvoiceAmount(invoice.Id, client.Amount(30_00))], false, null, $"transfer-{i}")));
                else
                    await ClientApplyAsync(client, new CreditUse(invoice.Id, client.Amount(30_00), $"credit-{i}"));
                return true;
            }
            catch (DomainException refused) when (refused.Message.Contains("can still be paid", StringComparison.Ordinal))
            {
                return false;
            }
        }).ToList();
        var outcomes = await Task.WhenAll(attempts);

        outcomes.Count(succeeded => succeeded).ShouldBe(3);
        var stored = await app.InvoiceAsync(firm, invoice.Id);
        stored.Paid.ShouldBe(client.Amount(90_00));
        stored.AmountDue.ShouldBe(client.Amount(10_00));
        await app.LedgerShouldBeConsistentAsync(firm);
    }
}
