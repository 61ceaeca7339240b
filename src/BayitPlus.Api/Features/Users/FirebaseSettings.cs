namespace BayitPlus.Api.Features.Users;

/// <summary>Firebase sign-in settings (<c>Firebase:*</c>). Without a project id Firebase sign-in
/// answers 503 and everything else works.</summary>
public sealed class FirebaseSettings
{
    public const string Section = "Firebase";

    /// <summary>The named HttpClient that fetches the signing keys (tests replace its handler).</summary>
    public const string JwksHttpClient = "firebase-jwks";

    /// <summary>The Firebase project: ID tokens must name it as audience and in their issuer.</summary>
    public string? ProjectId { get; init; }

    /// <summary>Where Google publishes the keys that sign Firebase ID tokens, as a JWK set.</summary>
    public Uri JwksUrl { get; init; } = new("https://www.googleapis.com/service_accounts/v1/jwk/securetoken@system.gserviceaccount.com");

    /// <summary>How long fetched keys are used before they are fetched again.</summary>
    public TimeSpan KeysCacheDuration { get; init; } = TimeSpan.FromHours(1);

    /// <summary>The least time between two fetches caused by an unknown key id, so tokens with
    /// made-up key ids cannot make the API hammer the key endpoint.</summary>
    public TimeSpan UnknownKeyRefetchInterval { get; init; } = TimeSpan.FromSeconds(30);

    public string Issuer => $"https://securetoken.google.com/{ProjectId}";
}
