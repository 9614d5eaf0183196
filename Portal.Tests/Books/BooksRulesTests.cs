using Portal.Domain;
using Portal.Domain.Books;
using Portal.Domain.Firms;
using Portal.Domain.Ledger;
using Portal.Domain.Payments;

namespace Portal.Tests.Books;

public sealed class BooksRulesTests
{
    private static readonly Guid FirmId = Guid.NewGuid();
    private static readonly BusinessCalendar Paris = new("Europe/Paris");
    private static readonly Currency Eur = Currency.FromCode("EUR");

    [Theory]
    [InlineData(0, "EUR", "0,00")]
    [InlineData(5, "EUR", "0,05")]
    [InlineData(123456789, "EUR", "1234567,89")]
    [InlineData(1500, "JPY", "1500")]
    [InlineData(1234, "KWD", "1,234")]
    [InlineData(-1050, "GBP", "-10,50")]
    public void Fec_amounts_use_a_comma_and_no_thousands_separator(long minor, string currency, string expected) =>
        Fec.Amount(minor, Currency.FromCode(currency)).ShouldBe(expected);

    [Fact]
    public void Fec_file_is_named_after_the_siren_and_the_closing_date()
    {
        Fec.FileName("732 829 320", new DateOnly(2026, 12, 31)).ShouldBe("732829320FEC20261231.txt");
        Fec.Columns.Count.ShouldBe(18);
        Fec.Header.Split('\t').ShouldBe(["JournalCode", "JournalLib", "EcritureNum", "EcritureDate", "CompteNum", "CompteLib", "CompAuxNum", "CompAuxLib",
            "PieceRef", "PieceDate", "EcritureLib", "Debit", "Credit", "EcritureLet", "DateLet", "ValidDate", "Montantdevise", "Idevise"]);
    }

    [Theory]
    [InlineData("")]
    [InlineData("12345678")]
    [InlineData("732829321")]
    [InlineData("73282932A")]
    public void A_siren_that_is_not_nine_digits_with_a_valid_check_is_refused(string siren) =>
        Should.Throw<DomainException>(() => Fec.Siren(siren)).Message.ShouldContain("SIREN");

    [Fact]
    public void Fec_text_never_carries_a_separator_or_a_line_break() =>
        Fec.Text(" Audit\tQ1\r\nfees | extra ").ShouldBe("Audit Q1  fees   extra");

    [Fact]
    public void A_month_closes_only_once_it_is_over_in_order_and_once()
    {
        var now = new DateTimeOffset(2026, 3, 1, 0, 0, 1, TimeSpan.Zero);
        var january = new AccountingPeriod(2026, 1);
        var february = new AccountingPeriod(2026, 2);

        Should.Throw<DomainException>(() => PeriodLock.Close(FirmId, new AccountingPeriod(2026, 3), [], january, Paris, now, "owner")).Message.ShouldContain("not over yet");
        Should.Throw<DomainException>(() => PeriodLock.Close(FirmId, february, [], january, Paris, now, "owner")).Message.ShouldContain("Close 2026-01 first");
        var closed = PeriodLock.Close(FirmId, january, [], january, Paris, now, "owner");
        closed.Period.ShouldBe(january);
        PeriodLock.Close(FirmId, february, [january], january, Paris, now, "owner").Period.ShouldBe(february);
        Should.Throw<DomainException>(() => PeriodLock.Close(FirmId, january, [january], january, Paris, now, "owner")).Message.ShouldContain("already closed");
    }

    [Fact]
    public void Posting_into_a_closed_month_is_refused_and_the_next_month_is_open()
    {
        var closed = new[] { new AccountingPeriod(2026, 1) };
        // The firm's month: 22:59:59 UTC on 31 January is still January in Paris (UTC+1), 23:00 is already 1 February.
        Should.Throw<DomainException>(() => PeriodLock.EnsureOpen(new DateTimeOffset(2026, 1, 31, 22, 59, 59, TimeSpan.Zero), Paris, closed))
            .Message.ShouldBe("The books of 2026-01 are closed: nothing can be posted into that month. Record the correction in the open period.");
        PeriodLock.EnsureOpen(new DateTimeOffset(2026, 1, 31, 23, 0, 0, TimeSpan.Zero), Paris, closed);
        // In UTC the same instants fall the other way round only for a firm that counts in UTC.
        PeriodLock.EnsureOpen(new DateTimeOffset(2026, 2, 1, 0, 0, 0, TimeSpan.Zero), new BusinessCalendar("UTC"), closed);
        Should.Throw<DomainException>(() => PeriodLock.EnsureOpen(new DateTimeOffset(2026, 1, 31, 23, 30, 0, TimeSpan.Zero), new BusinessCalendar("UTC"), closed));
    }

    [Fact]
    public void The_default_chart_maps_every_ledger_account_to_the_french_pcg()
    {
        var chart = ChartOfAccounts.Default(FirmId, "fr");
        var client = Guid.NewGuid();
        chart.AccountFor(LedgerAccount.Receivable(client)).ShouldBe("411");
        chart.AccountFor(LedgerAccount.Wallet(client)).ShouldBe("4191");
        chart.AccountFor(LedgerAccount.Clearing(PaymentProvider.Stripe)).ShouldBe("5115");
        chart.AccountFor(LedgerAccount.Clearing(PaymentProvider.GoCardless)).ShouldBe("5116");
        chart.AccountFor(LedgerAccount.Fees(PaymentProvider.Stripe)).ShouldBe("627");
        chart.AccountFor(LedgerAccount.Bank).ShouldBe("512");
        chart.AccountFor(LedgerAccount.Revenue).ShouldBe("706");
        chart.AccountFor(LedgerAccount.Tax).ShouldBe("44571");
        chart.AuxiliaryAccountOf(client).ShouldBe("411" + client.ToString("N")[^8..].ToUpperInvariant());
        chart.NameOfAccount("44571").ShouldBe("TVA collectée");
        ChartOfAccounts.Default(FirmId, "en").NameOfAccount("44571").ShouldBe("VAT collected");
    }

    [Fact]
    public void Each_movement_goes_to_its_journal()
    {
        var client = Guid.NewGuid();
        ChartOfAccounts.JournalOf(LedgerTransactionKind.InvoiceIssued, [LedgerAccount.Receivable(client), LedgerAccount.Revenue]).ShouldBe(Journal.Sales);
        ChartOfAccounts.JournalOf(LedgerTransactionKind.PaymentSucceeded, [LedgerAccount.Clearing(PaymentProvider.Stripe), LedgerAccount.Receivable(client)]).ShouldBe(Journal.Stripe);
        ChartOfAccounts.JournalOf(LedgerTransactionKind.ProviderFee, [LedgerAccount.Fees(PaymentProvider.GoCardless), LedgerAccount.Clearing(PaymentProvider.GoCardless)]).ShouldBe(Journal.GoCardless);
        ChartOfAccounts.JournalOf(LedgerTransactionKind.ManualPayment, [LedgerAccount.Bank, LedgerAccount.Receivable(client)]).ShouldBe(Journal.Bank);
        ChartOfAccounts.JournalOf(LedgerTransactionKind.CreditApplied, [LedgerAccount.Wallet(client), LedgerAccount.Receivable(client)]).ShouldBe(Journal.Miscellaneous);
    }

    [Fact]
    public void A_chart_change_with_one_wrong_number_changes_nothing()
    {
        var chart = ChartOfAccounts.Default(FirmId, "fr");
        var wrong = chart.Current with { SalesAccount = "512", StripeClearingAccount = "467" };
        Should.Throw<DomainException>(() => chart.Change(wrong)).Message.ShouldContain("class 7");
        chart.SalesAccount.ShouldBe("706");
        chart.StripeClearingAccount.ShouldBe("5115");

        Should.Throw<DomainException>(() => chart.Change(chart.Current with { BankJournal = "VT" })).Message.ShouldContain("code of its own");
        Should.Throw<DomainException>(() => chart.Change(chart.Current with { FeesAccount = "62x" })).Message.ShouldContain("3 to 12 digits");

        chart.Change(chart.Current with { StripeClearingAccount = "467", StripeJournal = "st" });
        chart.StripeClearingAccount.ShouldBe("467");
        chart.StripeJournal.ShouldBe("ST");
    }
}
