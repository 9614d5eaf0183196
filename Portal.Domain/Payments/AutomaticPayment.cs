namespace Portal.Domain.Payments;

/// <summary>What a client asked to pay their invoices automatically with.</summary>
public enum AutomaticPaymentChoice
{
    /// <summary>Not chosen: a direct-debit mandate pays first, else the saved card (the firm's default).</summary>
    Either,
    /// <summary>The saved card, even where a mandate could collect.</summary>
    Card,
    /// <summary>The direct-debit mandate, even where a card is saved.</summary>
    DirectDebit,
    /// <summary>Nothing is taken automatically: the client pays each invoice themselves.</summary>
    Off,
}

/// <summary>The means that pays a client's invoice automatically, if any.</summary>
public enum AutomaticPaymentMethod { None, Card, DirectDebit }

/// <summary>
/// Which of a client's means pays an invoice automatically. A client chooses only between what they have: choosing
/// the card and then removing it falls back to the mandate (and the other way round), since they asked for automatic
/// payment, not for one means at all costs; only "off" turns it off. Where the firm does not let clients choose, the
/// firm's default holds: the mandate first, because a direct debit is cheaper for the firm and never declines for an
/// expired card.
/// </summary>
public static class AutomaticPaymentRule
{
    /// <param name="choice">The client's choice.</param>
    /// <param name="clientsMayChoose">The firm lets clients choose (otherwise the choice is ignored).</param>
    /// <param name="cardCharges">The client has a saved card the firm charges automatically.</param>
    /// <param name="mandateCollects">The client has a usable mandate in the invoice's currency the firm collects automatically.</param>
    public static AutomaticPaymentMethod Choose(AutomaticPaymentChoice choice, bool clientsMayChoose, bool cardCharges, bool mandateCollects)
    {
        var card = cardCharges ? AutomaticPaymentMethod.Card : AutomaticPaymentMethod.None;
        var directDebit = mandateCollects ? AutomaticPaymentMethod.DirectDebit : AutomaticPaymentMethod.None;
        return (clientsMayChoose ? choice : AutomaticPaymentChoice.Either) switch
        {
            AutomaticPaymentChoice.Off => AutomaticPaymentMethod.None,
            AutomaticPaymentChoice.Card => card != AutomaticPaymentMethod.None ? card : directDebit,
            _ => directDebit != AutomaticPaymentMethod.None ? directDebit : card,
        };
    }
}
