using System.Text.Json.Nodes;
using Portal.Sandbox.Common;

namespace Portal.Sandbox.Stripe;

internal static class StripeCustomers
{
    public static JsonNode Create(StripeCall call)
    {
        var customer = call.Account.Add(new StripeCustomer
        {
            Id = SandboxIds.Stripe("cus", 14),
            Created = call.Timestamp,
        });
        Apply(call.Form, customer);
        call.Action.Emit("customer.created", customer);
        return StripeJson.ToNode(customer);
    }

    public static JsonNode Update(StripeCall call, string id)
    {
        var customer = call.Account.Get<StripeCustomer>(id, "customer");
        Apply(call.Form, customer);
        call.Action.Emit("customer.updated", customer);
        return StripeJson.ToNode(customer);
    }

    public static JsonNode Get(StripeCall call, string id) => StripeJson.ToNode(call.Account.Get<StripeCustomer>(id, "customer"));

    public static JsonNode List(StripeCall call)
    {
        var customers = call.Account.NewestFirst<StripeCustomer>()
            .Where(c => call.Form.Text("email") is not { } email || string.Equals(c.Email, email, StringComparison.OrdinalIgnoreCase))
            .ToList();
        return StripeJson.Page(customers, call.Form, "/v1/customers");
    }

    private static void Apply(StripeForm form, StripeCustomer customer)
    {
        customer.Email = form.Text("email") ?? customer.Email;
        customer.Name = form.Text("name") ?? customer.Name;
        customer.Phone = form.Text("phone") ?? customer.Phone;
        customer.Description = form.Text("description") ?? customer.Description;
        foreach (var (key, value) in form.Map("metadata"))
        {
            // An empty value unsets the key, as in Stripe.
            if (value.Length == 0)
            {
                customer.Metadata.Remove(key);
            }
            else
            {
                customer.Metadata[key] = value;
            }
        }
    }
}
