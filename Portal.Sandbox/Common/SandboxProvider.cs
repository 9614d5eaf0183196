namespace Portal.Sandbox.Common;

public enum SandboxProvider
{
    Stripe,
    GoCardless,
    Platform,
    PayPal,
}

public static class SandboxProviderNames
{
    public static string PathSegment(this SandboxProvider provider) => provider switch
    {
        SandboxProvider.Stripe => "stripe",
        SandboxProvider.GoCardless => "gocardless",
        SandboxProvider.Platform => "platform",
        SandboxProvider.PayPal => "paypal",
    };
}
