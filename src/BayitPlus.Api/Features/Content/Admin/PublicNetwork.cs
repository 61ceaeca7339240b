using System.Net;
using System.Net.Sockets;

namespace BayitPlus.Api.Features.Content.Admin;

/// <summary>
/// Outbound connections to public addresses only. The check runs in the connection callback, on
/// the addresses the host name resolved to, and the socket connects to exactly those addresses: a
/// redirect to an internal host or a DNS answer that changes between check and connect (DNS
/// rebinding) cannot reach a private, loopback, link-local or otherwise non-public address.
/// </summary>
public static class PublicNetwork
{
    /// <summary>A handler for a named HttpClient. Proxies are not used, since through a proxy the
    /// callback would check the proxy's address instead of the target's.</summary>
    public static SocketsHttpHandler Handler(bool allowPrivateNetworks) => new()
    {
        UseProxy = false,
        AllowAutoRedirect = true,
        MaxAutomaticRedirections = 5,
        AutomaticDecompression = DecompressionMethods.All,
        PooledConnectionLifetime = TimeSpan.FromMinutes(5),
        ConnectCallback = async (context, ct) =>
        {
            var host = context.DnsEndPoint.Host.Trim('[', ']');
            IPAddress[] addresses = IPAddress.TryParse(host, out var literal) ? [literal] : await Dns.GetHostAddressesAsync(host, ct);
            if (!allowPrivateNetworks && addresses.Any(address => !IsPublic(address)))
            {
                throw new ForbiddenAddressException(host);
            }

            var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(addresses, context.DnsEndPoint.Port, ct);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        },
    };

    /// <summary>False for every special-purpose range (RFC 6890 and successors) a server must not be
    /// made to call: private, loopback, link-local, shared (CGNAT), documentation, benchmarking,
    /// multicast, reserved, unspecified, unique-local; IPv4 inside IPv6 is judged as IPv4.</summary>
    public static bool IsPublic(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        var ranges = address.AddressFamily == AddressFamily.InterNetwork ? NonPublicV4 : NonPublicV6;
        if (ranges.Any(range => range.Contains(address)))
        {
            return false;
        }

        // NAT64 (64:ff9b::/96) and 6to4 (2002::/16) addresses carry an IPv4 address that is reached in the end.
        var bytes = address.GetAddressBytes();
        if (address.AddressFamily == AddressFamily.InterNetworkV6 && Nat64.Contains(address))
        {
            return IsPublic(new IPAddress(bytes[12..16]));
        }

        if (address.AddressFamily == AddressFamily.InterNetworkV6 && SixToFour.Contains(address))
        {
            return IsPublic(new IPAddress(bytes[2..6]));
        }

        return true;
    }

    private static readonly IPNetwork Nat64 = IPNetwork.Parse("64:ff9b::/96");
    private static readonly IPNetwork SixToFour = IPNetwork.Parse("2002::/16");

    private static readonly IPNetwork[] NonPublicV4 =
    [
        .. new[]
        {
            "0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16", "172.16.0.0/12",
            "192.0.0.0/24", "192.0.2.0/24", "192.88.99.0/24", "192.168.0.0/16", "198.18.0.0/15",
            "198.51.100.0/24", "203.0.113.0/24", "224.0.0.0/4", "240.0.0.0/4",
        }.Select(IPNetwork.Parse),
    ];

    private static readonly IPNetwork[] NonPublicV6 =
    [
        .. new[]
        {
            "::/96", "::1/128", "64:ff9b:1::/48", "100::/64", "2001::/23", "2001:db8::/32", "fc00::/7", "fe80::/10",
            "fec0::/10", "ff00::/8",
        }.Select(IPNetwork.Parse),
    ];
}

/// <summary>Thrown from the connection callback when a host resolves to a non-public address.</summary>
public sealed class ForbiddenAddressException(string host)
    : Exception($"{host} resolves to a private, loopback, link-local or other non-public address.")
{
    public string Host { get; } = host;
}
