using System.ComponentModel;
using System.Net.Sockets;
using Hangfire;
using MailKit;
using MailKit.Net.Smtp;
using MimeKit;
using WeGoAssembly.Storage.Notifications;

namespace WeGoAssembly.Server.Notifications;

/// <summary>
/// Sends one queued message over SMTP (MailKit) and records the outcome in the delivery log. A temporary failure (the
/// server down, a 4xx reply) is recorded with the server's reason and thrown, so Hangfire retries it with a growing
/// wait; a permanent refusal (5xx) is recorded and not retried. A message already sent is not sent again, and two
/// runs for one message never overlap.
/// </summary>
public sealed partial class MailJob(NotificationLog log, MailOptions mail, SecretBox secrets, ILogger<MailJob> logger)
{
    public const string Queue = "mail";

    // One lock per message (not one for all mail), and a queue of its own so that deadlines are served first.
    [DisplayName("E-mail {0}")]
    [Queue(Queue)]
    [DisableConcurrentExecution("wego:mail:{0}", 120)]
    public async Task SendAsync(long id, CancellationToken cancellationToken)
    {
        var message = await log.GetAsync(id, cancellationToken);
        if (message is null || message.Status == NotificationStatus.Sent)
            return;
        if (!mail.Enabled)
        {
            await log.RecordHeldAsync(id, cancellationToken);
            return;
        }
        var body = message.Body;
        if (message.Kind is AccessCodeNotice.KindName or FocalPointInviteNotice.KindName)
        {
            var code = await log.GetSecretAsync(id, cancellationToken) is { } sealedCode ? secrets.Open(sealedCode) : null;
            if (code is null)
            {
                await log.RecordFailedAsync(id, "The access code is no longer kept (it is erased once sent, and unreadable after a change of the token signing key); issue the participant a new code.", cancellationToken);
                return;
            }
            body = body.Replace(Notice.AccessCodePlaceholder, code, StringComparison.Ordinal);
        }

        string reply;
        try
        {
            reply = await DeliverAsync(Compose(id, message, body), cancellationToken);
        }
        catch (SmtpCommandException e) when ((int)e.StatusCode >= 500)
        {
            await log.RecordFailedAsync(id, $"Refused by the mail server: {(int)e.StatusCode} {e.Message}", cancellationToken);
            Refused(logger, id, (int)e.StatusCode);
            return;
        }
        catch (Exception e)
        {
            // Anything else (the server down or slow, TLS or sign-in refused, a 4xx reply) is recorded with its reason, so a
            // wrong mail setting shows on the delivery log, and retried by Hangfire with a growing wait.
            await log.RecordFailedAsync(id, Reason(e), CancellationToken.None);
            throw;
        }
        await log.RecordSentAsync(id, reply, CancellationToken.None);
    }

    private MimeMessage Compose(long id, NotificationEntry entry, string body)
    {
        var from = MailboxAddress.Parse(mail.Sender);
        var message = new MimeMessage
        {
            Subject = entry.Subject,
            // Stable per message: a copy that a retry sends after a lost reply is recognisable as the same message.
            MessageId = $"wego-notification-{id}@{from.Domain}",
            Body = new TextPart("plain") { Text = body, Headers = { { HeaderId.ContentLanguage, entry.Language } } },
        };
        message.From.Add(from);
        message.To.Add(new MailboxAddress(entry.RecipientName, entry.RecipientEmail));
        return message;
    }

    private async Task<string> DeliverAsync(MimeMessage message, CancellationToken ct)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(mail.Timeout);
        using var smtp = new SmtpClient { Timeout = (int)mail.Timeout.TotalMilliseconds };
        await smtp.ConnectAsync(mail.Host, mail.Port, mail.Security, timeout.Token);
        if (mail.UserName.Length > 0)
            await smtp.AuthenticateAsync(mail.UserName, mail.Password, timeout.Token);
        var reply = await smtp.SendAsync(message, timeout.Token);
        try
        {
            await smtp.DisconnectAsync(quit: true, timeout.Token);
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            // Accepted is accepted: a server slow to say goodbye must not make the message go twice.
        }
        return reply;
    }

    private string Reason(Exception e) => e switch
    {
        SmtpCommandException c => $"{(int)c.StatusCode} {c.Message}",
        SocketException s => $"Could not reach the mail server {mail.Host}:{mail.Port}: {s.Message}",
        OperationCanceledException or TimeoutException => $"The mail server {mail.Host}:{mail.Port} did not answer within {mail.Timeout.TotalSeconds:0} s.",
        _ => $"{e.GetType().Name}: {e.Message}",
    };

    [LoggerMessage(Level = LogLevel.Warning, Message = "The mail server refused e-mail {Id} with status {Status}; not retried")]
    private static partial void Refused(ILogger logger, long id, int status);
}
