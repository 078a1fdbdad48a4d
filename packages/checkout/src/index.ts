export default class ZeroFeeCheckout {}
