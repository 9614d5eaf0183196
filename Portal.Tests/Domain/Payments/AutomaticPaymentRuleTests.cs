using Portal.Domain.Payments;

namespace Portal.Tests.Domain.Payments;

public sealed class AutomaticPaymentRuleTests
{
    [Theory]
    // The firm's default: the mandate first, else the card.
    [InlineData(AutomaticPaymentChoice.Either, true, true, AutomaticPaymentMethod.DirectDebit)]
    [InlineData(AutomaticPaymentChoice.Either, true, false, AutomaticPaymentMethod.Card)]
    [InlineData(AutomaticPaymentChoice.Either, false, false, AutomaticPaymentMethod.None)]
    // A choice picks between what the client has, and falls back to the other when its means is gone.
    [InlineData(AutomaticPaymentChoice.Card, true, true, AutomaticPaymentMethod.Card)]
    [InlineData(AutomaticPaymentChoice.Card, false, true, AutomaticPaymentMethod.DirectDebit)]
    [InlineData(AutomaticPaymentChoice.DirectDebit, true, true, AutomaticPaymentMethod.DirectDebit)]
    [InlineData(AutomaticPaymentChoice.DirectDebit, true, false, AutomaticPaymentMethod.Card)]
    // Off is off, whatever is on file.
    [InlineData(AutomaticPaymentChoice.Off, true, true, AutomaticPaymentMethod.None)]
    public void A_client_who_may_choose_is_paid_by_what_they_chose_among_what_they_have(
        AutomaticPaymentChoice choice, bool card, bool mandate, AutomaticPaymentMethod expected) =>
        AutomaticPaymentRule.Choose(choice, clientsMayChoose: true, card, mandate).ShouldBe(expected);

    [Theory]
    [InlineData(AutomaticPaymentChoice.Off)]
    [InlineData(AutomaticPaymentChoice.Card)]
    public void Where_the_firm_decides_the_clients_choice_is_ignored(AutomaticPaymentChoice choice) =>
        AutomaticPaymentRule.Choose(choice, clientsMayChoose: false, cardCharges: true, mandateCollects: true).ShouldBe(AutomaticPaymentMethod.DirectDebit);
}
