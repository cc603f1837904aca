/**
 * Perfect negotiation (https://w3c.github.io/webrtc-pc/#perfect-negotiation-example) needs one
 * side of every pair to yield when both offer at once. Both sides decide it alone from the two
 * peerIDs the server gave them, so they always agree: the peer with the greater peerID is polite.
 */
export function isPolitePeer(localPeerID: string, remotePeerID: string): boolean {
  return localPeerID > remotePeerID;
}

/** What the negotiation knows when a description arrives. */
export interface NegotiationSnapshot {
  readonly descriptionType: 'offer' | 'answer';
  /** An offer of ours is being created or sent. */
  readonly makingOffer: boolean;
  readonly signalingState: RTCSignalingState;
  /** An answer of the remote is being applied (the state is about to be stable). */
  readonly settingRemoteAnswer: boolean;
}

/** Whether an incoming offer collides with one of ours (glare). */
export function isOfferCollision(s: NegotiationSnapshot): boolean {
  const readyForOffer = !s.makingOffer && (s.signalingState === 'stable' || s.settingRemoteAnswer);
  return s.descriptionType === 'offer' && !readyForOffer;
}

/**
 * Whether to drop an incoming offer: only the impolite peer does, on a collision; the polite
 * one rolls its own offer back (implicitly, in `setRemoteDescription`) and answers.
 */
export function shouldIgnoreOffer(s: NegotiationSnapshot, polite: boolean): boolean {
  return !polite && isOfferCollision(s);
}
