import type { FeatureMessages } from '../../lib/i18n.ts';

export const messages: FeatureMessages = {
  it: {
    'email.invitation.subject': 'Invito a Filiera per {organisation}',
    'email.invitation.body':
      'Gentile {name},\n\n{inviter} ti ha invitato a gestire su Filiera ({cluster}) il profilo di {organisation}.\n\nPer attivare il tuo account e scegliere la password apri questo collegamento entro {days} giorni:\n{link}\n\nSe non ti aspettavi questo messaggio puoi ignorarlo.\n\nFiliera',
  },
  en: {
    'email.invitation.subject': 'Invitation to Filiera for {organisation}',
    'email.invitation.body':
      'Dear {name},\n\n{inviter} has invited you to manage the profile of {organisation} on Filiera ({cluster}).\n\nTo activate your account and choose a password, open this link within {days} days:\n{link}\n\nIf you did not expect this message you can ignore it.\n\nFiliera',
  },
};
