using System.Net.Mail;

namespace Portal.Domain.Clients;

/// <summary>A customer of the firm: the party invoices are addressed to. Its contacts sign in to the portal.</summary>
public sealed partial class ClientAccount : ITenantOwned
{
    private readonly List<Contact> _contacts = [];

    private ClientAccount() { }

    public ClientAccount(Guid firmId, string name, string billingEmail, Currency currency, DateTimeOffset createdAt)
    {
        Id = Guid.CreateVersion7();
        FirmId = firmId;
        CreatedAt = createdAt;
        Update(name, billingEmail, currency, null);
    }

    public Guid Id { get; private set; }
    public Guid FirmId { get; private set; }
    public string Name { get; private set; } = "";
    public string BillingEmail { get; private set; } = "";
    public Currency Currency { get; private set; }
    public string? CompanyNumber { get; private set; }
    public DateTimeOffset CreatedAt { get; private set; }
    public IReadOnlyCollection<Contact> Contacts => _contacts;

    public void Update(string name, string billingEmail, Currency currency, string? companyNumber)
    {
        name = name.Trim();
        if (name.Length is 0 or > 200)
            throw new DomainException("A client name must have between 1 and 200 characters.");
        Name = name;
        BillingEmail = EmailAddress.Normalize(billingEmail);
        Currency = currency;
        CompanyNumber = string.IsNullOrWhiteSpace(companyNumber) ? null : companyNumber.Trim();
    }

    public Contact AddContact(string name, string email)
    {
        var normalized = EmailAddress.Normalize(email);
        if (_contacts.Any(c => c.Email == normalized))
            throw new DomainException($"{normalized} is already a contact of {Name}.");
        var contact = new Contact(this, name, normalized);
        _contacts.Add(contact);
        return contact;
    }
}

/// <summary>A person who signs in to the portal for a client account.</summary>
public sealed class Contact : IClientOwned
{
    private Contact() { }

    internal Contact(ClientAccount account, string name, string email)
    {
        name = name.Trim();
        if (name.Length is 0 or > 200)
            throw new DomainException("A contact name must have between 1 and 200 characters.");
        Id = Guid.CreateVersion7();
        FirmId = account.FirmId;
        ClientAccountId = account.Id;
        Name = name;
        Email = email;
    }

    public Guid Id { get; private set; }
    public Guid FirmId { get; private set; }
    public Guid ClientAccountId { get; private set; }
    public string Name { get; private set; } = "";
    public string Email { get; private set; } = "";
    /// <summary>The sign-in this contact uses, once invited.</summary>
    public string? UserId { get; private set; }

    public void LinkUser(string userId) => UserId = userId;
}

public static class EmailAddress
{
    public static string Normalize(string? email)
    {
        var trimmed = email?.Trim() ?? "";
        if (trimmed.Length is 0 or > 254 || !MailAddress.TryCreate(trimmed, out var parsed) || parsed.Address != trimmed || !trimmed.Contains('.', StringComparison.Ordinal))
            throw new DomainException($"'{email}' is not a valid email address.");
        return trimmed.ToLowerInvariant();
    }
}
