using Moq;
using TokenFunction.Auth;

namespace TokenFunction.Tests.Support.Auth;

/// <summary>Caller authenticators for the endpoint harness, so a test sets the caller without an issuer.</summary>
internal static class CallerAuthenticators
{
    /// <summary>Bearer mode on, answering every request with <paramref name="result"/>.</summary>
    public static Mock<ICallerAuthenticator> Answering(CallerAuthenticationResult result)
    {
        var mock = new Mock<ICallerAuthenticator>();
        mock.SetupGet(a => a.IsEnabled).Returns(true);
        mock.Setup(a => a.AuthenticateAsync(It.IsAny<string?>(), It.IsAny<CancellationToken>())).ReturnsAsync(result);
        return mock;
    }
}
