// The seed's bootstrap-style token server, as the baseline the benchmark compares against:
// POST /token with a JSON body {roomName, participantName}, a 10-minute token, the bare JWT as the body.
import express from 'express';
import { AccessToken } from 'livekit-server-sdk';

const apiKey = process.env.LIVEKIT_API_KEY ?? 'devkey';
const apiSecret = process.env.LIVEKIT_API_SECRET ?? 'secret';
const port = Number(process.env.PORT ?? 3000);

const app = express();
app.use(express.json());

app.post('/token', async (req, res) => {
  const roomName = req.body?.roomName ?? 'demo-room';
  const participantName = req.body?.participantName ?? 'demo-user';
  const at = new AccessToken(apiKey, apiSecret, { identity: participantName, ttl: '10m' });
  at.addGrant({ roomJoin: true, room: roomName });
  res.send(await at.toJwt());
});

app.listen(port, '127.0.0.1', () => console.log(`seed server on http://127.0.0.1:${port}`));
