namespace Portal.Domain.Firms;

/// <summary>Ways a client may settle an invoice. Stored as a set of flags on the firm and on each invoice.</summary>
[Flags]
public enum PaymentMethods
{
    None = 0,
    Card = 1,
    DirectDebit = 2,
    Credit = 4,
    All = Card | DirectDebit | Credit,
}
