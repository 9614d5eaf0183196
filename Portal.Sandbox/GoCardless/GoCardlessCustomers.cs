using Portal.Sandbox.Common;

namespace Portal.Sandbox.GoCardless;

internal static class GoCardlessCustomers
{
    // GoCardless needs a name to put on the mandate: a person's given and family names, or a company name.
    public static GcResult Create(GcCall call) => call.Create("customers", () =>
    {
        var fields = new GoCardlessFields("customers", call.Envelope("customers"));
        var email = fields.Text("email");
        if (email is not null && !email.Contains('@', StringComparison.Ordinal))
        {
            throw GoCardlessApiError.Validation("customers", "email", "is not a valid email address");
        }

        if (fields.Text("company_name") is null && (fields.Text("given_name") is null || fields.Text("family_name") is null))
        {
            throw GoCardlessApiError.Validation("customers", "given_name", "must be given with family_name, unless company_name is given");
        }

        var customer = call.Account.Add(new GcCustomer
        {
            Id = SandboxIds.GoCardless("CU"),
            CreatedAt = call.Action.Timestamp,
            Email = email,
            GivenName = fields.Text("given_name"),
            FamilyName = fields.Text("family_name"),
            CompanyName = fields.Text("company_name"),
            AddressLine1 = fields.Text("address_line1"),
            City = fields.Text("city"),
            PostalCode = fields.Text("postal_code"),
            CountryCode = fields.Text("country_code")?.ToUpperInvariant(),
            Language = fields.Text("language") ?? "en",
            Metadata = fields.Metadata(),
        });
        call.Action.Emit("customers", "created", new() { ["customer"] = customer.Id },
            new("api", "customer_created", "Customer created via the API."), customer.Metadata);
        return customer;
    });
}
