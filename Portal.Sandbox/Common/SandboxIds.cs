using System.Security.Cryptography;

namespace Portal.Sandbox.Common;

// Random ids in the providers' styles; random rather than sequential so ids never collide across accounts or runs.
public static class SandboxIds
{
    private const string Base62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    private const string UpperAlphanumeric = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

    // Stripe: "cs_test_a1B2…", "pi_3Q…".
    public static string Stripe(string prefix, int length = 24) => prefix + "_" + RandomString(Base62, length);

    // GoCardless: "PM0012ABCDEFGH", "MD000ABC…".
    public static string GoCardless(string prefix) => prefix + "00" + RandomString(UpperAlphanumeric, 12);

    // PayPal: "5O190127TN364715T" (orders, captures, refunds, webhooks), 17 upper-case letters and digits.
    public static string PayPal() => RandomString(UpperAlphanumeric, 17);

    private static string RandomString(string alphabet, int length) =>
        string.Create(length, alphabet, static (span, chars) =>
        {
            for (var i = 0; i < span.Length; i++)
            {
                span[i] = chars[RandomNumberGenerator.GetInt32(chars.Length)];
            }
        });
}
