using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Options;
using Portal.Domain;

namespace Portal.OutgoingWebhooks;

/// <summary>
/// Keeps outgoing webhooks off the portal's own networks (SSRF): a firm's owner types the URL, and Portal makes the
/// request from inside its own network. The URL is checked when it is saved, and every address a send actually
/// connects to is checked again at connect time (<see cref="ConnectAsync"/>), so a name that resolved to a public
/// address at save time and to 127.0.0.1 later (DNS rebinding) is refused too.
/// </summary>
public sealed class WebhookAddressGuard(IOptions<OutgoingWebhookOptions> options)
{
    /// <summary>Checks a URL typed by an owner; a refusal says what is wrong in words an owner can act on.</summary>
    public async Task<Uri> CheckAsync(string? url, CancellationToken cancellationToken = default)
    {
        url = url?.Trim();
        if (string.IsNullOrEmpty(url) || !Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("https" or "http") || string.IsNullOrEmpty(uri.Host))
            throw new DomainException("Enter a full URL starting with https://.");
        if (uri.Scheme == Uri.UriSchemeHttp && !options.Value.AllowHttp)
            throw new DomainException("The URL must start with https://.");
        if (!string.IsNullOrEmpty(uri.UserInfo))
            throw new DomainException("The URL must not contain a user name or password.");
        if (uri.AbsoluteUri.Length > Domain.OutgoingWebhooks.WebhookEndpoint.MaxUrlLength)
            throw new DomainException("The URL is too long.");
        if (options.Value.AllowPrivateNetworks)
            return uri;
        IPAddress[] addresses;
        try
        {
            addresses = IPAddress.TryParse(uri.IdnHost, out var literal) ? [literal] : await Dns.GetHostAddressesAsync(uri.IdnHost, cancellationToken);
        }
        catch (SocketException)
        {
            throw new DomainException($"The host {uri.Host} cannot be found.");
        }
        if (addresses.Length == 0)
            throw new DomainException($"The host {uri.Host} cannot be found.");
        if (addresses.FirstOrDefault(IsForbidden) is { } forbidden)
            throw new DomainException($"The host {uri.Host} is on a private or local network ({forbidden}); webhooks only go to public addresses.");
        return uri;
    }

    /// <summary>
    /// The connect step of every send: resolves the host, refuses any forbidden address, and connects to an address
    /// it just checked, never resolving again in between.
    /// </summary>
    public async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        var host = context.DnsEndPoint.Host;
        var addresses = IPAddress.TryParse(host.Trim('[', ']'), out var literal) ? [literal] : await Dns.GetHostAddressesAsync(host, cancellationToken);
        if (!options.Value.AllowPrivateNetworks && addresses.FirstOrDefault(IsForbidden) is { } forbidden)
            throw new WebhookAddressRefusedException($"Refused: {host} resolves to {forbidden}, a private or local address.");
        Exception? last = null;
        foreach (var address in addresses)
        {
            var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(new IPEndPoint(address, context.DnsEndPoint.Port), cancellationToken);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch (SocketException ex)
            {
                socket.Dispose();
                last = ex;
            }
        }
        throw last ?? new WebhookAddressRefusedException($"The host {host} cannot be found.");
    }

    /// <summary>Loopback, private (RFC 1918, unique local), link-local (cloud metadata), multicast, unspecified or reserved.</summary>
    public static bool IsForbidden(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
            address = address.MapToIPv4();
        if (IPAddress.IsLoopback(address) || address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any) || address.Equals(IPAddress.Broadcast))
            return true;
        if (address.AddressFamily == AddressFamily.InterNetworkV6)
            return address.IsIPv6LinkLocal || address.IsIPv6SiteLocal || address.IsIPv6Multicast || address.IsIPv6UniqueLocal
                || address.GetAddressBytes() is [0x20, 0x01, 0x0d, 0xb8, ..]; // documentation range
        var b = address.GetAddressBytes();
        return b[0] switch
        {
            0 or 10 or 127 => true,
            100 => b[1] is >= 64 and <= 127, // carrier-grade NAT
            169 => b[1] == 254, // link-local, cloud metadata
            172 => b[1] is >= 16 and <= 31,
            192 => b[1] == 168 || (b[1] == 0 && b[2] is 0 or 2) || (b[1] == 88 && b[2] == 99),
            198 => b[1] is 18 or 19 || (b[1] == 51 && b[2] == 100),
            203 => b[1] == 0 && b[2] == 113,
            >= 224 => true, // multicast and reserved
            _ => false,
        };
    }
}

/// <summary>A send refused because the endpoint's host resolves to a forbidden address.</summary>
public sealed class WebhookAddressRefusedException(string message) : Exception(message);
