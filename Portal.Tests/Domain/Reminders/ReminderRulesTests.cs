using Portal.Domain;
using Portal.Domain.Invoices;
using Portal.Domain.Reminders;

namespace Portal.Tests.Domain.Reminders;

/// <summary>Each never-remind rule on its own: the same open invoice, reminded, until one thing about it changes.</summary>
public class ReminderRulesTests
{
    private readonly Books _books = new();
    private static readonly DateOnly Today = Books.Today;

    private (Invoice Invoice, ReminderFacts Facts) Remindable()
    {
        var invoice = _books.Issued(_books.Client(), 100_00);
        return (invoice, new ReminderFacts(invoice, "accounts@bistro.example"));
    }

    [Fact]
    public void An_open_invoice_of_a_client_with_an_email_is_reminded()
    {
        var (_, facts) = Remindable();
        ReminderRules.WhyNot(facts, Today).ShouldBeNull();
        Should.NotThrow(() => ReminderRules.EnsureRemindable(facts, Today));
    }

    [Fact]
    public void A_paid_invoice_is_not_reminded()
    {
        var (invoice, facts) = Remindable();
        invoice.ApplyPayment(invoice.AmountDue);
        ReminderRules.WhyNot(facts, Today).ShouldBe(CannotRemind.Paid);
    }

    [Fact]
    public void A_partly_paid_invoice_is_still_reminded()
    {
        var (invoice, facts) = Remindable();
        invoice.ApplyPayment(Books.Eur(40_00));
        ReminderRules.WhyNot(facts, Today).ShouldBeNull();
    }

    [Fact]
    public void A_void_invoice_is_not_reminded()
    {
        var (invoice, facts) = Remindable();
        invoice.Void("Issued in error", Books.Now);
        ReminderRules.WhyNot(facts, Today).ShouldBe(CannotRemind.Voided);
    }

    [Fact]
    public void A_draft_is_not_reminded()
    {
        var draft = Books.Draft(_books.Client(), Currency.EUR, 30, new InvoiceLineInput("Audit", 1, 100_00, 0));
        ReminderRules.WhyNot(new ReminderFacts(draft, "accounts@bistro.example"), Today).ShouldBe(CannotRemind.NotIssued);
    }

    [Fact]
    public void An_invoice_with_a_disputed_payment_is_not_reminded()
    {
        var (_, facts) = Remindable();
        ReminderRules.WhyNot(facts with { Disputed = true }, Today).ShouldBe(CannotRemind.Disputed);
    }

    [Fact]
    public void An_invoice_the_credit_auto_apply_will_cover_is_not_reminded_but_one_it_covers_only_in_part_is()
    {
        var (_, facts) = Remindable();
        ReminderRules.WhyNot(facts with { CreditAutoApplyWillUse = Books.Eur(100_00) }, Today).ShouldBe(CannotRemind.CoveredByCredit);
        ReminderRules.WhyNot(facts with { CreditAutoApplyWillUse = Books.Eur(99_99) }, Today).ShouldBeNull();
    }

    [Fact]
    public void An_invoice_with_a_payment_processing_is_not_reminded()
    {
        var (invoice, facts) = Remindable();
        invoice.AddPending(Books.Eur(30_00));
        ReminderRules.WhyNot(facts, Today).ShouldBe(CannotRemind.PaymentProcessing);
    }

    [Fact]
    public void An_invoice_with_a_direct_debit_scheduled_or_in_flight_is_not_reminded()
    {
        var (invoice, facts) = Remindable();
        ReminderRules.WhyNot(facts with { DirectDebitScheduled = true }, Today).ShouldBe(CannotRemind.DirectDebitScheduled);
        invoice.AddPending(invoice.AmountDue);
        ReminderRules.WhyNot(facts with { DirectDebitScheduled = true }, Today).ShouldBe(CannotRemind.DirectDebitScheduled);
    }

    [Fact]
    public void A_client_without_an_email_cannot_be_reminded_and_is_told_so()
    {
        var (_, facts) = Remindable();
        ReminderRules.WhyNot(facts with { ClientEmail = null }, Today).ShouldBe(CannotRemind.NoEmail);
        ReminderRules.WhyNot(facts with { ClientEmail = " " }, Today).ShouldBe(CannotRemind.NoEmail);
        Should.Throw<DomainException>(() => ReminderRules.EnsureRemindable(facts with { ClientEmail = null }, Today))
            .Message.ShouldBe("Cannot be reminded: no email.");
    }

    [Fact]
    public void An_invoice_marked_do_not_remind_is_not_reminded_until_unmarked()
    {
        var (invoice, facts) = Remindable();
        invoice.SetDoNotRemind(true);
        ReminderRules.WhyNot(facts, Today).ShouldBe(CannotRemind.DoNotRemind);
        invoice.SetDoNotRemind(false);
        ReminderRules.WhyNot(facts, Today).ShouldBeNull();
    }

    [Fact]
    public void A_paused_or_opted_out_client_is_not_reminded()
    {
        var (_, facts) = Remindable();
        ReminderRules.WhyNot(facts with { ClientPaused = true }, Today).ShouldBe(CannotRemind.ClientPaused);
        ReminderRules.WhyNot(facts with { ClientOptedOut = true }, Today).ShouldBe(CannotRemind.ClientOptedOut);
    }

    [Fact]
    public void A_promise_to_pay_holds_reminders_up_to_and_including_its_day()
    {
        var (_, facts) = Remindable();
        ReminderRules.WhyNot(facts with { PromisedBy = Today }, Today).ShouldBe(CannotRemind.PromisedToPay);
        ReminderRules.WhyNot(facts with { PromisedBy = Today.AddDays(-1) }, Today).ShouldBeNull();
    }
}
