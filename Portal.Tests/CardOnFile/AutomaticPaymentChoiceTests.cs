using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.CardOnFile;
using Portal.DirectDebit;
using Portal.Domain;
using Portal.Domain.Firms;
using Portal.Domain.Invoices;
using Portal.Domain.Ledger;
using Portal.GoCardless;
using Portal.Domain.Payments;
using Portal.Firms;
using Portal.Providers.Stripe;
using Portal.Tenancy;
using Portal.Tests.DirectDebit;
using Portal.Tests.Fixture;
using PaymentMethod = Portal.Domain.Payments.PaymentMethod;

namespace Portal.Tests.CardOnFile;

/// <summary>
/// The client's say over automatic payment, and the firm's: a client with a card and a mandate picks which pays (the
/// direct debit already scheduled is cancelled at GoCardless when they pick the card), turns automatic payment off and
/// on again; a firm turns automatic card payment off, or keeps the choice to itself.
/// </summary>
public sealed partial class CardOnFileTests
{
    private DirectDebitAutoCollection DirectDebitSweep => app.Services.GetRequiredService<DirectDebitAutoCollection>();

    private async Task<T> AsClientOfAsync<TService, T>(TestClient client, Func<TService, Task<T>> action) where TService : notnull
    {
        await using var scope = app.Services.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<TenantContext>().ActFor(client.Firm.Id, client.Id);
        return await action(scope.ServiceProvider.GetRequiredService<TService>());
    }

    private Task<AutomaticPaymentStatus> StatusAsync(TestClient client) => AsClientOfAsync<AutomaticPayments, AutomaticPaymentStatus>(client, a => a.StatusAsync(client.Id));

    private Task<AutomaticPaymentChange> ChooseAsync(TestClient client, AutomaticPaymentChoice choice) =>
        AsClientOfAsync<AutomaticPayments, AutomaticPaymentChange>(client, a => a.ChooseAsync(client.Id, choice));

    private async Task ChangePolicyAsync(TestFirm firm, Action<PaymentPolicy> change)
    {
        await using var db = app.OpenDb(firm.Id);
        var stored = await db.Firms.SingleAsync();
        var policy = stored.Policy;
        change(policy);
        stored.ChangePolicy(policy);
        await db.SaveChangesAsync();
    }

    [Fact]
    public async Task A_client_with_a_card_and_a_mandate_who_picks_the_card_has_the_scheduled_direct_debit_cancelled_and_pays_by_card_once()
    {
        var (_, client, card, _) = await AClientWithASavedCardAsync();
        var firm = client.Firm;
        var gc = await DirectDebitDriver.ConnectAsync(app, firm);
        await ChangePolicyAsync(firm, p => p.AutoCollectDirectDebitOnDueDate = true);
        await gc.ActiveMandateAsync(client);
        var invoice = await app.AnInvoice(client).WithLine("Quarterly accounts", 1, 480_00).DueInDays(12).IssuedAsync();
        await DirectDebitSweep.ScheduleDueAsync();
        var directDebit = (await PaymentsOnAsync(firm, invoice.Id)).ShouldHaveSingleItem();
        directDebit.Method.ShouldBe(PaymentMethod.DirectDebit);
        // The mandate collects every open invoice of the client, this one among them.
        int scheduled;
        await using (var db = app.OpenDb(firm.Id))
            scheduled = await db.ScheduledCollections.CountAsync(c => c.Automatic);
        scheduled.ShouldBeGreaterThanOrEqualTo(2);
        // The firm's default: the mandate pays, and the client may switch to the card.
        var before = await StatusAsync(client);
        (before.PaysWith, before.CanSwitch).ShouldBe((AutomaticPaymentMethod.DirectDebit, true));
        // The client sees the bank that pays, the next collection and the latest ones, with a way to switch.
        using (var session = await app.SignInAsync(client.Contact))
        {
            var (_, page) = await session.GetPageAsync("/portal");
            var text = System.Net.WebUtility.HtmlDecode(page);
            text.ShouldContain("Your invoices are collected by direct debit from");
            text.ShouldContain("Next collection: ");
            text.ShouldContain($"Invoice {invoice.Number} · ");
            text.ShouldContain("data-testid=\"use-card\"");
            text.ShouldNotContain("data-testid=\"next-card-charge\"");
        }

        var change = await ChooseAsync(client, AutomaticPaymentChoice.Card);

        change.ShouldBe(new AutomaticPaymentChange(DirectDebitsCancelled: scheduled, DirectDebitsAlreadyWithTheBank: 0));
        (await gc.PaymentAsync(directDebit.Id)).Status.ShouldBe(PaymentStatus.Cancelled);
        (await gc.GoCardless.GetPaymentAsync(await gc.ProviderPaymentIdAsync(directDebit.Id))).Status.ShouldBe(GoCardlessPaymentStatus.Cancelled);
        (await StatusAsync(client)).PaysWith.ShouldBe(AutomaticPaymentMethod.Card);
        // The direct-debit sweep leaves the client's invoices to the card from now on.
        var another = await app.AnInvoice(client).WithLine("Payroll", 1, 60_00).DueInDays(20).IssuedAsync();
        await DirectDebitSweep.ScheduleDueAsync();
        (await PaymentsOnAsync(firm, another.Id)).ShouldBeEmpty();

        await AdvanceToAsync(firm, invoice.DueDate);
        await Task.WhenAll(Sweep.RunAsync(), Sweep.RunAsync());
        await DirectDebitSweep.ScheduleDueAsync();

        var paid = (await PaymentsOnAsync(firm, invoice.Id)).Where(p => p.Status != PaymentStatus.Cancelled).ShouldHaveSingleItem();
        (paid.Method, paid.Status, paid.Amount).ShouldBe((PaymentMethod.Card, PaymentStatus.Succeeded, client.Amount(480_00)));
        (await app.InvoiceAsync(firm, invoice.Id)).Status.ShouldBe(InvoiceStatus.Paid);
        (await ChargesAsync(firm)).Single(c => c.InvoiceId == invoice.Id).SavedCardId.ShouldBe(card.Id);
        (await PaymentsOnAsync(firm, another.Id)).ShouldBeEmpty();
        await app.LedgerShouldBeConsistentAsync(firm);
    }

    [Fact]
    public async Task A_client_who_turns_automatic_payment_off_is_not_charged_and_one_who_turns_it_on_again_is_charged_for_the_next_invoice()
    {
        var (_, client, _, next) = await AClientWithASavedCardAsync();
        var firm = client.Firm;
        await ChooseAsync(client, AutomaticPaymentChoice.Off);
        (await StatusAsync(client)).PaysWith.ShouldBe(AutomaticPaymentMethod.None);

        await AdvanceToAsync(firm, next.DueDate);
        (await Sweep.RunAsync()).ShouldBe(0);
        (await PaymentsOnAsync(firm, next.Id)).ShouldBeEmpty();
        (await app.InvoiceAsync(firm, next.Id)).Status.ShouldBe(InvoiceStatus.Open);

        // A charge planned before the client turned it off is not made on its day either.
        await ChooseAsync(client, AutomaticPaymentChoice.Either);
        var later = await app.AnInvoice(client).WithLine("Annual return", 1, 150_00).DueInDays(0).IssuedAsync();
        await using (var scope = app.Services.CreateAsyncScope())
        {
            scope.ServiceProvider.GetRequiredService<TenantContext>().ActFor(firm.Id);
            (await scope.ServiceProvider.GetRequiredService<CardChargeRun>().PlanDueAsync()).ShouldBeGreaterThanOrEqualTo(1);
        }
        await ChooseAsync(client, AutomaticPaymentChoice.Off);
        await Sweep.RunAsync();
        (await ChargesAsync(firm)).Where(c => c.InvoiceId == later.Id).ShouldAllBe(c => c.Status == CardChargeStatus.Cancelled && c.CancelledBecause == CardChargeCancellation.ClientTurnedOff);
        (await PaymentsOnAsync(firm, later.Id)).ShouldBeEmpty();

        await ChooseAsync(client, AutomaticPaymentChoice.Either);
        var last = await app.AnInvoice(client).WithLine("Bookkeeping", 1, 75_00).DueInDays(3).IssuedAsync();
        await AdvanceToAsync(firm, last.DueDate);
        await Sweep.RunAsync();
        (await PaymentsOnAsync(firm, last.Id)).ShouldHaveSingleItem().Status.ShouldBe(PaymentStatus.Succeeded);
        (await app.InvoiceAsync(firm, last.Id)).Status.ShouldBe(InvoiceStatus.Paid);
    }

    [Fact]
    public async Task A_firm_that_turns_automatic_card_payment_off_charges_no_saved_card_and_lets_no_client_save_one()
    {
        var (_, client, _, next) = await AClientWithASavedCardAsync();
        var firm = client.Firm;
        await app.AsStaffOfAsync<FirmSettings>(firm, s => s.SavePaymentPolicyAsync(
            new PaymentPolicyInput(true, MinimumKind.None, 0, 0, true, 0, CreditAutoApply.Off, ChargeSavedCardsOnDueDate: false)));

        await AdvanceToAsync(firm, next.DueDate);
        (await Sweep.RunAsync()).ShouldBe(0);
        (await PaymentsOnAsync(firm, next.Id)).ShouldBeEmpty();
        (await StatusAsync(client)).PaysWith.ShouldBe(AutomaticPaymentMethod.None);

        var saving = new CardPaymentRequest(client.Id, [new InvoiceAmount(next.Id, client.Amount(240_00))], null, "save-refused", app.BaseUrl, client.Contact.Email)
        { SaveCardForAutomaticPayment = true };
        var refused = await Should.ThrowAsync<DomainException>(AsClientOfAsync<StripeCheckoutStarter, CardCheckout>(client, s => s.StartAsync(saving)));
        refused.Message.ShouldBe("This firm does not charge saved cards automatically.");
        (await PaymentsOnAsync(firm, next.Id)).ShouldBeEmpty();
        using var session = await app.SignInAsync(client.Contact);
        var (_, pay) = await session.GetPageAsync("/portal/pay");
        pay.ShouldNotContain("Save this card");
    }

    [Fact]
    public async Task A_firm_that_keeps_the_choice_refuses_the_clients_and_its_default_holds()
    {
        var (_, client, _, next) = await AClientWithASavedCardAsync();
        var firm = client.Firm;
        await ChooseAsync(client, AutomaticPaymentChoice.Off);
        await ChangePolicyAsync(firm, p => p.ClientsChooseAutomaticPayment = false);

        var refused = await Should.ThrowAsync<DomainException>(ChooseAsync(client, AutomaticPaymentChoice.Card));
        refused.Message.ShouldBe("This firm decides how invoices are paid automatically.");
        var status = await StatusAsync(client);
        (status.PaysWith, status.CanTurnOnOrOff).ShouldBe((AutomaticPaymentMethod.Card, false));

        // The choice made while the firm allowed it no longer counts: the card pays.
        await AdvanceToAsync(firm, next.DueDate);
        await Sweep.RunAsync();
        (await PaymentsOnAsync(firm, next.Id)).ShouldHaveSingleItem().Status.ShouldBe(PaymentStatus.Succeeded);
    }

    [Fact]
    public async Task The_client_reads_what_pays_and_switches_from_the_dashboard_in_English_and_French()
    {
        var (_, client, _, _) = await AClientWithASavedCardAsync();
        using var session = await app.SignInAsync(client.Contact);

        var (_, page) = await session.GetPageAsync("/portal");
        page.ShouldContain("Your invoices are paid automatically with this card on their due date.");
        page.ShouldContain("data-testid=\"turn-off-automatic-payment\"");
        page.ShouldNotContain("data-testid=\"use-direct-debit\"");

        await ChooseAsync(client, AutomaticPaymentChoice.Off);
        var (_, off) = await session.GetPageAsync("/portal");
        off.ShouldContain("Automatic payment is off: you pay each invoice yourself.");
        off.ShouldContain("data-testid=\"turn-on-automatic-payment\"");
        off.ShouldNotContain("data-testid=\"next-card-charge\"");
        await session.GetAsync("/culture/fr?redirectUri=/portal");
        var (_, french) = await session.GetPageAsync("/portal");
        System.Net.WebUtility.HtmlDecode(french).ShouldContain("Le paiement automatique est désactivé : vous réglez vous-même chaque facture.");
        System.Net.WebUtility.HtmlDecode(french).ShouldContain("Activer le paiement automatique");

        using var staff = await app.SignInAsync(client.Firm.Staff);
        var (_, clientPage) = await staff.GetPageAsync($"/staff/clients/{client.Id}");
        clientPage.ShouldContain("Automatic payment is off: you pay each invoice yourself.");
        clientPage.ShouldNotContain("data-testid=\"turn-on-automatic-payment\"");
    }
}
