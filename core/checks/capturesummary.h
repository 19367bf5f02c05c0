#pragma once

// What a short tcpdump capture of one peer's port shows, connection by connection: who opened, who answered,
// who closed or reset first. Pure: it reads tcpdump's text output (tcpdump -nn -l -i any), never a socket.

#include <QByteArrayView>
#include <QString>

namespace gwb {

struct CaptureSummary
{
    int packets = 0;        // TCP packets read (a control packet seen twice on two interfaces counts once)
    int connections = 0;    // distinct local-endpoint/peer-endpoint pairs
    int syn = 0;            // SYNs sent to the peer, retransmissions included
    int synRetransmits = 0; // SYNs sent again on a connection that already sent one
    int synAck = 0;         // SYN-ACKs from the peer
    int rstFromPeer = 0, rstToPeer = 0;
    int finFromPeer = 0, finToPeer = 0;
    qint64 bytesToPeer = 0, bytesFromPeer = 0;

    int refused = 0;               // connections whose SYN the peer answered with RST
    int unanswered = 0;            // connections whose SYN got neither SYN-ACK nor RST
    int unansweredRetried = 0;     // of which the SYN was retransmitted (the answer is not just late)
    int resetAfterData = 0;        // connections the peer reset after data had flowed
    int resetBeforeData = 0;       // connections the peer reset after the handshake, before any data
    int peerClosedFirst = 0;       // connections the peer closed (FIN) before nginx did
    int peerClosedBeforeReply = 0; // of which nginx had sent data and the peer had sent none
    double seconds = 0;            // first to last packet
};

// `peerPort` tells the directions apart: a packet whose source port is the peer's port comes from the peer.
// `peerHost`, when an IP literal, narrows that to packets from that address.
CaptureSummary summariseCapture(QByteArrayView tcpdumpOutput, int peerPort, const QString &peerHost = {});

} // namespace gwb
