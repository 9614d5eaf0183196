using Portal.Domain.Clients;

namespace Portal.Domain.Wallets;

/// <summary>
/// A client's credit with the firm in one currency, fed by prepayments, overpayments and refunds as credit,
/// spent on invoices. One per (firm, client, currency). Its balance moves in the same database transaction
/// as the wallet postings that explain it, and equals the negative of their sum.
/// </summary>
public sealed class Wallet : IClientOwned
{
    private Wallet() { }

    public Wallet(ClientAccount client, Currency currency)
    {
        if (currency.IsUnset)
            throw new DomainException("A wallet needs a currency.");
        Id = Guid.CreateVersion7();
        FirmId = client.FirmId;
        ClientAccountId = client.Id;
        Currency = currency;
    }

    public Guid Id { get; private set; }
    public Guid FirmId { get; private set; }
    public Guid ClientAccountId { get; private set; }
    public Currency Currency { get; private set; }
    public long BalanceMinor { get; private set; }
    /// <summary>
    /// Set when a reversal took back credit that had already been spent, leaving the balance below zero.
    /// Staff are shown it, and the wallet cannot be used until the balance is back to zero or more.
    /// </summary>
    public bool NeedsAttention { get; private set; }
    /// <summary>Changed on every write, so two requests spending the same credit cannot both succeed.</summary>
    public Guid Version { get; private set; } = Guid.NewGuid();

    public Money Balance => new(BalanceMinor, Currency);

    public void Credit(Money amount)
    {
        EnsurePositive(amount);
        BalanceMinor = checked(BalanceMinor + amount.Minor);
        if (BalanceMinor >= 0)
            NeedsAttention = false;
        Touch();
    }

    /// <summary>Uses credit (on an invoice, or paid back to the client). Never takes the balance below zero (invariant 2).</summary>
    public void Spend(Money amount)
    {
        EnsurePositive(amount);
        if (NeedsAttention)
            throw new DomainException("This credit balance is blocked until staff have looked at it: a payment that funded it was reversed.");
        if (amount.Minor > BalanceMinor)
            throw new DomainException($"Only {Balance} of credit is available; {amount} cannot be used.");
        BalanceMinor -= amount.Minor;
        Touch();
    }

    /// <summary>
    /// Takes back credit whose payment was reversed (a late failure, a chargeback). The only way below zero:
    /// if the credit was already spent, the balance goes negative and the wallet is flagged.
    /// </summary>
    public void ReverseSpentMoney(Money amount)
    {
        EnsurePositive(amount);
        BalanceMinor = checked(BalanceMinor - amount.Minor);
        if (BalanceMinor < 0)
            NeedsAttention = true;
        Touch();
    }

    private void EnsurePositive(Money amount)
    {
        if (amount.Currency != Currency)
            throw new DomainException($"This credit balance is in {Currency}; {amount.Currency} cannot be used with it.");
        if (!amount.IsPositive)
            throw new DomainException("A credit movement must be more than zero.");
    }

    private void Touch() => Version = Guid.NewGuid();
}
