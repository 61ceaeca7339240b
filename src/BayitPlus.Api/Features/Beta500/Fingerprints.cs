using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using FluentValidation;

namespace BayitPlus.Api.Features.Beta500;

/// <summary>The enrolling device's traits, as the client reads them.</summary>
/// <param name="UserAgent">The browser's or app's user agent.</param>
/// <param name="Platform">e.g. iOS, Android, Web, tvOS.</param>
/// <param name="Screen">The screen size, e.g. 1920x1080.</param>
/// <param name="Timezone">The IANA time zone, e.g. Asia/Jerusalem.</param>
/// <param name="Language">The BCP 47 language, e.g. he-IL.</param>
public sealed record FingerprintInput(string UserAgent, string Platform, string Screen, string Timezone, string Language);

public sealed class FingerprintInputValidator : AbstractValidator<FingerprintInput>
{
    public FingerprintInputValidator()
    {
        Trait(f => f.UserAgent, "User agent", 512);
        Trait(f => f.Platform, "Platform", 64);
        Trait(f => f.Screen, "Screen", 32);
        Trait(f => f.Timezone, "Timezone", 64);
        Trait(f => f.Language, "Language", 35);
    }

    private void Trait(System.Linq.Expressions.Expression<Func<FingerprintInput, string>> trait, string name, int maxLength) =>
        RuleFor(trait).NotEmpty().WithMessage($"{name} is required.")
            .MaximumLength(maxLength).WithMessage($"{name} must be at most {maxLength} characters long.")
            .Must(value => !value.Any(char.IsControl)).WithMessage($"{name} must not contain control characters.");
}

/// <summary>The device fingerprint: SHA-256 (hex) of the traits in canonical form (trimmed,
/// lowercase, in a fixed order, one per line) and the client's network, so the same device on the
/// same network gives the same hash whatever the case or padding the client sent.</summary>
public static class Fingerprints
{
    public static string Hash(FingerprintInput traits, string? network)
    {
        string[] parts = [traits.UserAgent, traits.Platform, traits.Screen, traits.Timezone, traits.Language, network ?? ""];
        var canonical = string.Join('\n', parts.Select(part => part.Trim().ToLowerInvariant()));
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(canonical)));
    }

    /// <summary>The client's network: its IPv4 /24 or IPv6 /48 (an IPv4 address written as IPv6 is
    /// IPv4), e.g. <c>203.0.113.0/24</c>; null when the address is unknown.</summary>
    public static string? Network(IPAddress? address)
    {
        if (address is null)
        {
            return null;
        }

        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        var bytes = address.GetAddressBytes();
        var (keep, prefix) = address.AddressFamily == AddressFamily.InterNetwork ? (3, 24) : (6, 48);
        Array.Clear(bytes, keep, bytes.Length - keep);
        return $"{new IPAddress(bytes)}/{prefix}";
    }
}
