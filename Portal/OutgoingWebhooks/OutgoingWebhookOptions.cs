namespace Portal.OutgoingWebhooks;

/// <summary><c>Webhooks:Outgoing</c>: what endpoints may be, and how sends are made.</summary>
public sealed class OutgoingWebhookOptions
{
    public const string Section = "Webhooks:Outgoing";

    /// <summary>Lets endpoints use plain http (development and tests); production endpoints are https only.</summary>
    public bool AllowHttp { get; set; }

    /// <summary>Lets endpoints reach loopback, private, link-local and multicast addresses (development and tests only).</summary>
    public bool AllowPrivateNetworks { get; set; }

    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How often the dispatcher looks for due deliveries when nothing wakes it.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(5);
}
