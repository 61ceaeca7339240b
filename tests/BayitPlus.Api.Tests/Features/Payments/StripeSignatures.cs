using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace BayitPlus.Api.Tests.Features.Payments;

/// <summary>Signs webhook payloads exactly as Stripe does: <c>Stripe-Signature: t=&lt;unix seconds&gt;,v1=&lt;hex
/// HMAC-SHA256 of "t.payload" keyed with the endpoint's secret&gt;</c>.</summary>
public static class StripeSignatures
{
    public static string Sign(string payload, string secret, DateTimeOffset timestamp)
    {
        var t = timestamp.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        var mac = HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes($"{t}.{payload}"));
        return $"t={t},v1={Convert.ToHexStringLower(mac)}";
    }
}
