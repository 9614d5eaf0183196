using System.Net;
using Microsoft.EntityFrameworkCore;
using Portal.Books;
using Portal.CreditNotes;
using Portal.Data;
using Portal.Documents;
using Portal.Domain;
using Portal.Domain.Books;
using Portal.Domain.Invoices;
using Portal.Domain.Ledger;
using Portal.Invoices;
using Portal.Ledger;
using Portal.Payments;
using Portal.Tests.Books;
using Portal.Tests.Documents;
using Portal.Tests.Fixture;

namespace Portal.Tests.Invoices;

/// <summary>
/// Credit notes as numbered documents (their own gapless sequence per firm) issued by every path that credits an
/// invoice, and the explicit write-off: what the books, the invoice and the client's credit say afterwards.
/// </summary>
public sealed class CreditNoteTests(BackdatableApp app) : IClassFixture<BackdatableApp>, IAsyncLifetime
{
    public Task InitializeAsync()
    {
        app.Backdatable.SetBack(TimeSpan.Zero);
        return app.ResetAsync();
    }

    public Task DisposeAsync()
    {
        app.Backdatable.SetBack(TimeSpan.Zero);
        return Task.CompletedTask;
    }

    private Task<MoneyResult> WriteOffAsync(TestFirm firm, Guid invoiceId, Money amount, string reason = "Client in liquidation") =>
        app.AsStaffOfAsync<WriteOffs, MoneyResult>(firm, s => s.WriteOffAsync(invoiceId, amount, reason, MoneyChecks.NewKey()));

    private async Task<List<CreditNote>> CreditNotesAsync(TestFirm firm)
    {
        await using var db = app.OpenDb(firm.Id);
        return await db.CreditNotes.Include(n => n.Lines).OrderBy(n => n.Number).ToListAsync();
    }

    /// <summary>Receivable + wallet + refunds balance: what the client owes less its credit is what was invoiced, less what it paid and what was credited.</summary>
    private async Task<LedgerView> InvariantsHoldAsync(TestFirm firm)
    {
        var ledger = await app.LedgerShouldBeConsistentAsync(firm);
        await using var db = app.OpenDb(firm.Id);
        foreach (var invoice in await db.Invoices.ToListAsync())
            invoice.CreditedMinor.ShouldBeInRange(0, invoice.TotalMinor, $"credited on {invoice.Number}");
        foreach (var note in await db.CreditNotes.Include(n => n.Lines).ToListAsync())
        {
            (await db.LedgerTransactions.AnyAsync(t => t.Id == note.LedgerTransactionId)).ShouldBeTrue($"{note.Number} is posted");
            if (note.Lines.Count > 0)
                note.Lines.Sum(l => l.NetMinor + l.TaxMinor).ShouldBe(note.TotalMinor, $"{note.Number}'s rates add up to its total");
        }
        return ledger;
    }

    [Fact]
    public async Task Voiding_an_issued_invoice_issues_the_next_numbered_credit_note_with_its_tax_per_rate()
    {
        var (firm, client) = await app.AFirmWithAClientAsync();
        var invoice = await app.AnInvoice(client).WithLine("Audit", 1, 500_00, 2000).WithLine("Books", 2, 10_00, 550).IssuedAsync();

        var number = await app.AsStaffOfAsync<Invoicing, string>(firm, s => s.VoidAsync(invoice.Id, "Sent to the wrong client"));

        number.ShouldBe("AV-00001");
        var note = (await CreditNotesAsync(firm)).ShouldHaveSingleItem();
        (note.Number, note.Kind, note.InvoiceId, note.InvoiceNumber, note.Reason).ShouldBe(("AV-00001", CreditNoteKind.InvoiceVoided, invoice.Id, invoice.Number!, "Sent to the wrong client"));
        (note.Total, note.Tax, note.Date).ShouldBe((client.Amount(600_00 + 21_10), client.Amount(100_00 + 1_10), app.Today));
        note.Lines.OrderBy(l => l.TaxRateBasisPoints).Select(l => (l.TaxRateBasisPoints, l.NetMinor, l.TaxMinor)).ShouldBe([(550, 20_00, 1_10), (2000, 500_00, 100_00)]);
        await using var db = app.OpenDb(firm.Id);
        (await db.LedgerTransactions.SingleAsync(t => t.Id == note.LedgerTransactionId)).Kind.ShouldBe(LedgerTransactionKind.InvoiceVoided);
        var ledger = await InvariantsHoldAsync(firm);
        ledger.Balance(LedgerAccount.Receivable(client.Id), client.Currency).ShouldBe(client.Amount(0));
    }

    [Fact]
    public async Task Keeping_a_payment_as_credit_issues_a_numbered_credit_note_for_the_amount_kept()
    {
        var (firm, client) = await app.AFirmWithAClientAsync();
        var invoice = await app.AnInvoice(client).WithLine("Audit", 1, 100_00, 2000).IssuedAsync();
        var paymentId = await app.PayByTransferAsync(client, invoice.Id, 120_00);

        await app.AsStaffOfAsync<PaymentCorrections, MoneyResult>(firm, c => c.RefundAsCreditAsync(paymentId, invoice.Id, client.Amount(30_00), MoneyChecks.NewKey()));

        var note = (await CreditNotesAsync(firm)).ShouldHaveSingleItem();
        (note.Number, note.Kind, note.Total, note.Tax).ShouldBe(("AV-00001", CreditNoteKind.KeptAsCredit, client.Amount(30_00), client.Amount(0)));
        note.Lines.ShouldBeEmpty();
        // Decision 0015 holds: the invoice is due again, the client holds the credit, revenue is untouched.
        (await app.InvoiceAsync(firm, invoice.Id)).AmountDue.ShouldBe(client.Amount(30_00));
        (await app.CreditOfAsync(client)).ShouldBe(client.Amount(30_00));
        var ledger = await InvariantsHoldAsync(firm);
        (ledger.Balance(LedgerAccount.Receivable(client.Id), client.Currency) + ledger.Balance(LedgerAccount.Wallet(client.Id), client.Currency)).ShouldBe(client.Amount(0));
        ledger.Balance(LedgerAccount.Revenue, client.Currency).ShouldBe(client.Amount(-100_00));
    }

    [Fact]
    public async Task Writing_off_part_of_an_invoice_lowers_what_is_due_by_exactly_that_and_leaves_the_credit_untouched()
    {
        var (firm, client) = await app.AFirmWithAClientAsync();
        var invoice = await app.AnInvoice(client).WithLine("Audit", 1, 100_00, 2000).IssuedAsync();
        await app.PayByTransferAsync(client, invoice.Id, 20_00);
        await app.GiveCreditAsync(client, 50_00);

        var result = await WriteOffAsync(firm, invoice.Id, client.Amount(30_00));

        var stored = await app.InvoiceAsync(firm, invoice.Id);
        (stored.AmountDue, stored.Paid, stored.Credited, stored.Status).ShouldBe((client.Amount(70_00), client.Amount(20_00), client.Amount(30_00), InvoiceStatus.PartiallyPaid));
        (await app.CreditOfAsync(client)).ShouldBe(client.Amount(50_00));
        var note = (await CreditNotesAsync(firm)).ShouldHaveSingleItem();
        (note.Id, note.Number, note.Kind, note.Reason).ShouldBe((result.Id!.Value, "AV-00001", CreditNoteKind.WrittenOff, "Client in liquidation"));
        // 30 of a 120 invoice at 20%: 25 net, 5 tax.
        (note.Total, note.Net, note.Tax).ShouldBe((client.Amount(30_00), client.Amount(25_00), client.Amount(5_00)));
        note.Lines.Select(l => (l.TaxRateBasisPoints, l.NetMinor, l.TaxMinor)).ShouldBe([(2000, 25_00, 5_00)]);

        var ledger = await InvariantsHoldAsync(firm);
        ledger.Balance(LedgerAccount.WriteOff, client.Currency).ShouldBe(client.Amount(25_00));
        ledger.Balance(LedgerAccount.Tax, client.Currency).ShouldBe(client.Amount(-15_00));
        ledger.Balance(LedgerAccount.Revenue, client.Currency).ShouldBe(client.Amount(-100_00));
        ledger.Balance(LedgerAccount.Receivable(client.Id), client.Currency).ShouldBe(client.Amount(70_00));
        await using (var db = app.OpenDb(firm.Id))
        {
            var audit = await db.AuditEntries.SingleAsync(a => a.Action == WriteOffs.WrittenOffAction);
            (audit.SubjectId, audit.UserId).ShouldBe((invoice.Id, firm.Staff.UserId));
            audit.After!.ShouldContain("AV-00001");
        }

        // The books: a sales entry debiting the write-off account (654) and VAT collected, crediting the client.
        var entries = new List<JournalEntry>();
        await app.AsStaffOfAsync<JournalEntries>(firm, async journal =>
        {
            await foreach (var entry in journal.ReadAsync(AccountingPeriod.Of(app.Today), AccountingPeriod.Of(app.Today)))
                entries.Add(entry);
        });
        var writeOff = entries.Single(e => e.TransactionId == note.LedgerTransactionId);
        (writeOff.Journal, writeOff.Reference).ShouldBe((Journal.Sales, "AV-00001"));
        writeOff.Balances.ShouldBeTrue();
        writeOff.Lines.Select(l => (l.Account, l.DebitMinor, l.CreditMinor)).OrderBy(l => l.Account).ShouldBe([("411", 0L, 30_00L), ("44571", 5_00L, 0L), ("654", 25_00L, 0L)]);
        writeOff.Lines.Single(l => l.Account == "654").AccountName.ShouldBe("Pertes sur créances irrécouvrables");
    }

    [Fact]
    public async Task Writing_off_all_that_is_due_settles_the_invoice_and_the_pdf_shows_the_stored_number()
    {
        var (firm, client) = await app.AFirmWithAClientAsync();
        await app.GiveIdentityAsync(firm, DocumentFixtures.FrenchIdentity);
        var voided = await app.AnInvoice(client).WithLine("Mistake", 1, 10_00).IssuedAsync();
        await app.AsStaffOfAsync<Invoicing, string>(firm, s => s.VoidAsync(voided.Id, "Duplicate"));
        var invoice = await app.AnInvoice(client).WithLine("Audit", 1, 100_00, 2000).WithLine("Books", 1, 10_00, 550).IssuedAsync();

        var result = await WriteOffAsync(firm, invoice.Id, client.Amount(130_55), "Uncollectable after court ruling");

        var stored = await app.InvoiceAsync(firm, invoice.Id);
        (stored.AmountDue, stored.Status, stored.CreditedTaxMinor).ShouldBe((client.Amount(0), InvoiceStatus.Paid, stored.TaxMinor));
        var note = (await CreditNotesAsync(firm)).Single(n => n.Id == result.Id);
        note.Number.ShouldBe("AV-00002");
        note.Lines.OrderBy(l => l.TaxRateBasisPoints).Select(l => (l.TaxRateBasisPoints, l.NetMinor, l.TaxMinor)).ShouldBe([(550, 10_00, 55), (2000, 100_00, 20_00)]);
        await InvariantsHoldAsync(firm);

        var pdf = await app.RenderAsStaffAsync(firm, DocumentKind.CreditNote, note.Id);
        pdf.Shows("Credit note AV-00002").ShouldBeTrue(pdf.Text);
        pdf.Shows($"Credit note on invoice {invoice.Number}").ShouldBeTrue(pdf.Text);
        pdf.Shows("Reason: Uncollectable after court ruling").ShouldBeTrue(pdf.Text);
        pdf.Shows($"This credit note reduces what is due on invoice {invoice.Number}").ShouldBeTrue(pdf.Text);
        pdf.Shows("Credit note total" + Portal.Components.Shared.MoneyFormat.Format(client.Amount(130_55), System.Globalization.CultureInfo.GetCultureInfo("en-GB"))).ShouldBeTrue(pdf.Text);
    }

    [Theory]
    [InlineData("more than due")]
    [InlineData("zero")]
    [InlineData("negative")]
    [InlineData("other currency")]
    [InlineData("no reason")]
    [InlineData("draft")]
    [InlineData("void")]
    [InlineData("paid")]
    [InlineData("closed period")]
    public async Task A_refused_write_off_says_why_and_changes_nothing(string refusal)
    {
        var (firm, client) = await app.AFirmWithAClientAsync();
        var today = app.Today;
        var lastMonth = AccountingPeriod.Of(today).Previous;
        if (refusal == "closed period")
            app.Backdatable.SetBack(TimeSpan.FromDays(today.DayNumber - lastMonth.LastDay.DayNumber));
        var invoice = await app.AnInvoice(client).WithLine("Audit", 1, 100_00).IssuedAsync();
        await app.PayByTransferAsync(client, invoice.Id, 40_00);
        var target = invoice.Id;
        var amount = client.Amount(10_00);
        var reason = "Client in liquidation";
        switch (refusal)
        {
            case "more than due": amount = client.Amount(60_01); break;
            case "zero": amount = client.Amount(0); break;
            case "negative": amount = client.Amount(-5_00); break;
            case "other currency": amount = new Money(10_00, Currency.GBP); break;
            case "no reason": reason = "   "; break;
            case "draft": target = (await app.AnInvoice(client).DraftAsync()).Id; break;
            case "void":
                target = (await app.AnInvoice(client).IssuedAsync()).Id;
                await app.AsStaffOfAsync<Invoicing, string>(firm, s => s.VoidAsync(target, "Duplicate"));
                break;
            case "paid": await app.PayByTransferAsync(client, invoice.Id, 60_00); break;
            case "closed period":
                app.Backdatable.SetBack(TimeSpan.Zero);
                await app.AsStaffOfAsync<BooksAdministration>(firm, a => a.CloseAsync(lastMonth));
                app.Backdatable.SetBack(TimeSpan.FromDays(today.DayNumber - lastMonth.LastDay.DayNumber));
                break;
        }
        var before = await app.MoneySnapshotAsync(firm);
        var notesBefore = (await CreditNotesAsync(firm)).Count;

        var refused = await Should.ThrowAsync<DomainException>(() => WriteOffAsync(firm, target, amount, reason));

        refused.Message.ShouldContain(refusal switch
        {
            "more than due" => $"60.01 EUR is more than the 60.00 EUR due on {invoice.Number}.",
            "zero" or "negative" => "An amount written off must be more than zero.",
            "other currency" => "This invoice is in EUR; GBP cannot be applied to it.",
            "no reason" => "Give a reason for the write-off",
            "draft" => "A draft invoice cannot be written off",
            "void" => "A void invoice cannot be written off.",
            "paid" => "This invoice is paid: nothing is left to write off.",
            "closed period" => $"The books of {lastMonth} are closed",
            _ => throw new ArgumentOutOfRangeException(nameof(refusal)),
        });
        app.Backdatable.SetBack(TimeSpan.Zero);
        (await app.MoneySnapshotAsync(firm)).ShouldBe(before);
        (await CreditNotesAsync(firm)).Count.ShouldBe(notesBefore);
        await using var db = app.OpenDb(firm.Id);
        (await db.CreditNoteSequences.SingleOrDefaultAsync())?.Next.ShouldBe(notesBefore + 1);
    }

    [Fact]
    public async Task A_write_off_asked_twice_with_one_key_is_done_once_and_the_key_cannot_be_reused_for_another()
    {
        var (firm, client) = await app.AFirmWithAClientAsync();
        var invoice = await app.AnInvoice(client).WithLine("Audit", 1, 100_00).IssuedAsync();
        var key = MoneyChecks.NewKey();
        Task<MoneyResult> Twice(long minor) =>
            app.AsStaffOfAsync<WriteOffs, MoneyResult>(firm, s => s.WriteOffAsync(invoice.Id, client.Amount(minor), "Goodwill gesture", key));

        var results = await Task.WhenAll(Twice(10_00), Twice(10_00));

        results.Select(r => r.Id).Distinct().ShouldHaveSingleItem();
        results.Count(r => r.Replayed).ShouldBe(1);
        await Should.ThrowAsync<IdempotencyKeyReusedException>(() => Twice(20_00));
        (await CreditNotesAsync(firm)).ShouldHaveSingleItem().Number.ShouldBe("AV-00001");
        (await app.InvoiceAsync(firm, invoice.Id)).AmountDue.ShouldBe(client.Amount(90_00));
    }

    [Fact]
    public async Task Credit_notes_issued_at_the_same_time_get_distinct_gapless_numbers()
    {
        var (firm, client) = await app.AFirmWithAClientAsync();
        var other = await app.AClientAsync(firm);
        var invoices = new List<Invoice>();
        for (var i = 0; i < 12; i++)
            invoices.Add(await app.AnInvoice(i % 2 == 0 ? client : other).WithLine("Work", 1, 100_00).IssuedAsync());

        // Voids and write-offs of two clients at once: they lock different clients, but share the firm's sequence.
        var numbers = await Task.WhenAll(invoices.Select((invoice, i) => i % 3 == 0
            ? app.AsStaffOfAsync<Invoicing, string>(firm, s => s.VoidAsync(invoice.Id, "Duplicate"))
            : WrittenOffAsync(invoice.Id)));

        async Task<string> WrittenOffAsync(Guid invoiceId)
        {
            await WriteOffAsync(firm, invoiceId, client.Amount(10_00));
            return "";
        }

        numbers.Where(n => n.Length > 0).Count().ShouldBe(4);
        (await CreditNotesAsync(firm)).Select(n => n.Number).Order().ShouldBe(Enumerable.Range(1, 12).Select(n => $"AV-{n:D5}"));
        await using var db = app.OpenDb(firm.Id);
        (await db.CreditNoteSequences.SingleAsync()).Next.ShouldBe(13);
        await InvariantsHoldAsync(firm);
    }

    [Fact]
    public async Task Another_firm_has_its_own_sequence_and_cannot_write_off_this_firms_invoice()
    {
        var (firm, client) = await app.AFirmWithAClientAsync();
        var (otherFirm, otherClient) = await app.AFirmWithAClientAsync();
        var invoice = await app.AnInvoice(client).WithLine("Audit", 1, 100_00).IssuedAsync();
        var theirs = await app.AnInvoice(otherClient).WithLine("Audit", 1, 100_00).IssuedAsync();
        await WriteOffAsync(firm, invoice.Id, client.Amount(10_00));

        await Should.ThrowAsync<NotFoundException>(() => WriteOffAsync(otherFirm, invoice.Id, client.Amount(10_00)));
        await WriteOffAsync(otherFirm, theirs.Id, otherClient.Amount(10_00));

        (await CreditNotesAsync(firm)).Single().Number.ShouldBe("AV-00001");
        (await CreditNotesAsync(otherFirm)).Single().Number.ShouldBe("AV-00001");
        (await app.InvoiceAsync(firm, invoice.Id)).AmountDue.ShouldBe(client.Amount(90_00));
    }

    [Fact]
    public async Task Clients_see_and_download_their_own_credit_notes_only_and_staff_see_them_on_the_invoice()
    {
        var (firm, client, other) = await app.AFirmWithTwoClientsAsync();
        var invoice = await app.AnInvoice(client).WithLine("Audit", 1, 100_00).IssuedAsync();
        var theirs = await app.AnInvoice(other).WithLine("Audit", 1, 100_00).IssuedAsync();
        var mine = (await WriteOffAsync(firm, invoice.Id, client.Amount(25_00), "Goodwill gesture")).Id!.Value;
        var notMine = (await WriteOffAsync(firm, theirs.Id, other.Amount(5_00), "Goodwill gesture")).Id!.Value;

        using var contact = await app.SignInAsync(client.Contact);
        var (status, html) = await contact.GetPageAsync($"/portal/invoices/{invoice.Id}");
        status.ShouldBe(HttpStatusCode.OK);
        html.ShouldContain("AV-00001");
        html.ShouldContain($"/portal/credit-notes/{mine}/pdf");
        var download = await contact.DownloadAsync($"/portal/credit-notes/{mine}/pdf");
        download.Status.ShouldBe(HttpStatusCode.OK);
        download.FileName.ShouldBe("Credit-note-AV-00001.pdf");
        (await contact.DownloadAsync($"/portal/credit-notes/{notMine}/pdf")).Status.ShouldBe(HttpStatusCode.NotFound);

        using var owner = await app.SignInAsync(firm.Owner);
        var (_, staffPage) = await owner.GetPageAsync($"/staff/invoices/{invoice.Id}");
        staffPage.ShouldContain("AV-00001");
        staffPage.ShouldContain("Goodwill gesture");
        (await owner.DownloadAsync($"/staff/credit-notes/{notMine}/pdf")).Status.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task The_write_off_form_is_offered_to_owners_and_admins_not_to_staff()
    {
        var (firm, client) = await app.AFirmWithAClientAsync();
        var invoice = await app.AnInvoice(client).WithLine("Audit", 1, 100_00).IssuedAsync();

        using var owner = await app.SignInAsync(firm.Owner);
        using var staff = await app.SignInAsync(firm.Staff);

        (await owner.GetPageAsync($"/staff/invoices/{invoice.Id}")).Html.ShouldContain("data-testid=\"write-off\"");
        var (status, staffPage) = await staff.GetPageAsync($"/staff/invoices/{invoice.Id}");
        status.ShouldBe(HttpStatusCode.OK);
        staffPage.ShouldContain(invoice.Number!);
        staffPage.ShouldNotContain("data-testid=\"write-off\"");
    }
}
